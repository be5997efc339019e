import type { PageComponent, Route } from './lib/router.svelte.js';
import Home from './pages/Home.svelte';
import Login from './pages/Login.svelte';
import Register from './pages/Register.svelte';

// The pages people land on are in the main bundle so the first paint needs no
// second round trip; the rest load on demand, which keeps the heavy media
// libraries of the studio (mediasoup-client) and player (hls.js) out of it.
const eager = (page: PageComponent) => () => Promise.resolve({ default: page });

export const routes: Route[] = [
  { path: '/', title: 'Live shopping', load: eager(Home) },
  { path: '/login', title: 'Log in', load: eager(Login) },
  { path: '/register', title: 'Create account', load: eager(Register) },
  { path: '/studio', title: 'Studio', load: () => import('./pages/Studio.svelte') },
  { path: '/live/:streamId', title: 'Live', load: () => import('./pages/Live.svelte') },
  { path: '/replay/:streamId', title: 'Replay', load: () => import('./pages/Replay.svelte') },
  { path: '/search', title: 'Search', load: () => import('./pages/Search.svelte') },
  { path: '/listings/:id', title: 'Listing', load: () => import('./pages/Listing.svelte') },
  { path: '/shops/:id', title: 'Shop', load: () => import('./pages/Shop.svelte') },
  { path: '/cart', title: 'Your cart', load: () => import('./pages/Cart.svelte') },
  { path: '/orders', title: 'Your orders', load: () => import('./pages/Orders.svelte') },
  { path: '/seller', title: 'Seller dashboard', load: () => import('./pages/Seller.svelte') },
  { path: '/brand', title: 'Brand partnerships', load: () => import('./pages/Brand.svelte') },
  { path: '/admin', title: 'Admin', load: () => import('./pages/Admin.svelte') },
];

export const notFound: Route = {
  path: '*',
  title: 'Page not found',
  load: () => import('./pages/NotFound.svelte'),
};
