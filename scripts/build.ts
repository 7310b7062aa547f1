/** `npm run build`: `next build`, recording the source hash so `npm start` does not rebuild. */
import { ensureBuild } from './lib/build';

ensureBuild({ log: (line) => process.stdout.write(`${line}\n`) }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
