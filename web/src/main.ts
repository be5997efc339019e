import { mount } from 'svelte';
import App from './App.svelte';
import { router } from './lib/router.svelte.js';
import { session } from './lib/session.svelte.js';
import { notFound, routes } from './routes.js';
import './app.css';

// Both start before the first render so the header and page appear together
// with the session check already under way.
void session.load();
router.start(routes, notFound);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
