import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

export const viewsDirectory = fileURLToPath(new URL('../../views/', import.meta.url));

export type PageData = { title: string } & Record<string, unknown>;

/**
 * Renders views/<name>.ejs inside views/<layout>.ejs (the card of the sign-in and account
 * pages by default; the admin view has its own). Views hold no logic beyond loops and
 * ifs; everything they show is prepared by the route. ejs escapes by default (`<%=`).
 */
export async function renderPage(name: string, data: PageData, { layout = 'layout' }: { layout?: string } = {}): Promise<string> {
  const options = { root: viewsDirectory, views: [viewsDirectory], async: true, cache: process.env.NODE_ENV === 'production' };
  const body = await ejs.renderFile(`${viewsDirectory}${name}.ejs`, data, options);
  return ejs.renderFile(`${viewsDirectory}${layout}.ejs`, { ...data, body }, options);
}
