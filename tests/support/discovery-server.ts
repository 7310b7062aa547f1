import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An editor's discovery as a test serves it: docx edit/view/editnew, xlsx edit/view and pdf
 * view only (as Collabora lists pdf), at an editor origin nobody listens on.
 */
export const EDITOR_DISCOVERY = `<wopi-discovery><net-zone name="external-http"><app name="Office">
<action name="edit" ext="docx" urlsrc="http://127.0.0.1:9/edit.html?"/>
<action name="view" ext="docx" urlsrc="http://127.0.0.1:9/view.html?"/>
<action name="editnew" ext="docx" urlsrc="http://127.0.0.1:9/new.html?"/>
<action name="edit" ext="xlsx" urlsrc="http://127.0.0.1:9/edit.html?"/>
<action name="view" ext="xlsx" urlsrc="http://127.0.0.1:9/view.html?"/>
<action name="view" ext="pdf" urlsrc="http://127.0.0.1:9/view.html?"/>
</app></net-zone></wopi-discovery>`;

/** Serves `xml` as /hosting/discovery on a free loopback port; `close` stops it. */
export const startDiscoveryServer = async (xml = EDITOR_DISCOVERY) => {
  const server = createServer((_, response) => {
    response.writeHead(200, { 'Content-Type': 'text/xml' }).end(xml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hosting/discovery`;

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
