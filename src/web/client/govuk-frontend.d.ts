// govuk-frontend ships no type declarations for its ESM entry; we use only initAll.
declare module 'govuk-frontend' {
  export function initAll(config?: Record<string, unknown>): void;
}
