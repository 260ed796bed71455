import type { Principal } from '../access/auth';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Path below /api2/json, e.g. /nodes/pve/lxc/102/config */
  path: string;
  /** Query, form body and path parameters merged, as PVE's handlers see them. */
  params: Record<string, string>;
  principal: Principal;
}

/** A successful answer that carries more than `data` (task logs add `total`). */
export class DataWithExtras {
  constructor(
    readonly data: unknown,
    readonly extras: Record<string, unknown>,
  ) {}
}

export interface Route {
  method: HttpMethod;
  /** e.g. '/nodes/{node}/lxc/{vmid}/config' */
  path: string;
  /** POST /access/ticket is the only call that needs no credentials. */
  anonymous?: boolean;
  handle(request: ApiRequest): unknown;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Finds the handler for a method and path, and extracts `{name}` path parameters. */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  match(method: string, path: string): { route: Route; pathParams: Record<string, string> } | undefined {
    for (const { route, pattern, names } of this.compiled) {
      if (route.method !== method) continue;
      const m = path.match(pattern);
      if (!m) continue;
      const pathParams: Record<string, string> = {};
      names.forEach((name, i) => (pathParams[name] = decodeURIComponent(m[i + 1])));
      return { route, pathParams };
    }
    return undefined;
  }
}
