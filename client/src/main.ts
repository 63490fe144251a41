// Entry: styles, the router and the session; everything else is loaded per page.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });
