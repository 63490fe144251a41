// Entry: styles, the router and the session; everything else is loaded per page.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// A request cancelled by a logout (abortSessionRequests) is expected, whoever forgot to catch it.
window.addEventListener('unhandledrejection', (e) => {
  if ((e.reason as Error | undefined)?.name === 'AbortError') e.preventDefault();
});

mount(App, { target: document.getElementById('app')! });
