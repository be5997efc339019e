// Shared by vite-plugin-svelte and editor tooling (svelte-check, language server).
/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: {
    // Every component is a runes component, even one without a rune in it (the
    // placeholder pages): otherwise Svelte compiles it in legacy mode and ships
    // the legacy runtime flag with it.
    runes: true,
  },
};
