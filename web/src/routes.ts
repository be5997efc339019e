import type { Component } from 'svelte';
import { defineRoute, type Route } from './lib/router.svelte.js';
import Home from './pages/Home.svelte';
import Login from './pages/Login.svelte';
import Register from './pages/Register.svelte';

// The pages people land on are in the main bundle so the first paint needs no
// second round trip; the rest load on demand, which keeps the heavy media
// libraries of the studio (mediasoup-client) and player (hls.js) out of it.
const eager =
  <Props extends Record<string, unknown>>(page: Component<Props>) =>
  () =>
    Promise.resolve({ default: page });

export const routes: Route[] = [
  defineRoute('/', 'Live shopping', eager(Home)),
  defineRoute('/login', 'Log in', eager(Login)),
  defineRoute('/register', 'Create account', eager(Register)),
  defineRoute('/studio', 'Studio', () => import('./pages/Studio.svelte')),
  defineRoute('/live/:streamId', 'Live', () => import('./pages/Live.svelte')),
  defineRoute('/replay/:streamId', 'Replay', () => import('./pages/Replay.svelte')),
  defineRoute('/search', 'Search', () => import('./pages/Search.svelte')),
  defineRoute('/listings/:id', 'Listing', () => import('./pages/Listing.svelte')),
  defineRoute('/shops/:id', 'Shop', () => import('./pages/Shop.svelte')),
  defineRoute('/cart', 'Your cart', () => import('./pages/Cart.svelte')),
  defineRoute('/orders', 'Your orders', () => import('./pages/Orders.svelte')),
  defineRoute('/seller', 'Seller dashboard', () => import('./pages/Seller.svelte')),
  defineRoute('/seller/ads', 'Ads', () => import('./pages/SellerAds.svelte')),
  defineRoute('/seller/ads/campaigns/:id', 'Ad campaign', () => import('./pages/AdCampaign.svelte')),
  defineRoute('/seller/ads/receipts/:id', 'Ad receipt', () => import('./pages/AdReceipt.svelte')),
  defineRoute('/brand', 'Brand partnerships', () => import('./pages/Brand.svelte')),
  defineRoute('/creator/new', 'Become a creator', () => import('./pages/BecomeCreator.svelte')),
  defineRoute('/c/:handle', 'Creator', () => import('./pages/Creator.svelte')),
  defineRoute('/settings/notifications', 'Notification settings', () => import('./pages/NotificationSettings.svelte')),
  defineRoute('/forgot-password', 'Forgot your password', () => import('./pages/ForgotPassword.svelte')),
  defineRoute('/reset-password', 'Choose a new password', () => import('./pages/ResetPassword.svelte')),
  defineRoute('/verify-email', 'Verify your email', () => import('./pages/VerifyEmail.svelte')),
  defineRoute('/brand/sponsorships/:id', 'Sponsorship report', () => import('./pages/SponsorshipReport.svelte')),
  defineRoute('/earnings', 'Earnings', () => import('./pages/Earnings.svelte')),
  defineRoute('/admin', 'Admin', () => import('./pages/Admin.svelte')),
];

export const notFound: Route = defineRoute('*', 'Page not found', () => import('./pages/NotFound.svelte'));
