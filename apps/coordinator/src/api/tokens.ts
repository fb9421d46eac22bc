/** Injection token of the Coordinator instance the API serves. */
export const COORDINATOR = Symbol('COORDINATOR');
/** Injection token of the ApiServerOptions. */
export const API_OPTIONS = Symbol('API_OPTIONS');
