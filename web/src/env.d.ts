// The root tsconfig type-checks web/src/**/*.ts without web/tsconfig.json's
// `types`, so the ambient declarations the web relies on are referenced here:
// Svelte's runes and `*.svelte` modules, and Vite's client types.
/// <reference types="svelte" />
/// <reference types="vite/client" />
