import { PageLoading } from '@/components/page-loading';

/** Shown inside the portal's frame while the next page renders (navigation feedback). */
const Loading = () => <PageLoading />;

export default Loading;
