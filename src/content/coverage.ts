/**
 * Coverage of a pack: which active services serve each need area at each level, so that a gap (a worry
 * staff can name but no service answers) is found by `content:check`, not by a user. Pure.
 *
 * Coverage counts the services meant for an area: those tagged with it, and for a parent area those
 * tagged with one of its children. A service tagged only with a broad parent area (the front door, say)
 * is still found by the directory's filter for each child, but does not count as covering the child, so
 * a child area cannot pass on general services alone.
 */
import type { ContentPack, NeedArea, NeedAreaChild, Service } from './schema.js';

export interface NeedAreaCoverage {
  id: string;
  name: string;
  /** the parent area's id, for a child area */
  parentId?: string;
  /** active services meant for the area, by slug */
  services: string[];
  /** per level id: those of them tagged with the level */
  byLevel: Map<string, string[]>;
}

type CorePack = Pick<ContentPack, 'levels' | 'needAreas' | 'services'>;

/** Every need area, parents before their children, with the area's parent id. */
export function allNeedAreas(pack: Pick<ContentPack, 'needAreas'>): Array<(NeedArea | NeedAreaChild) & { parentId?: string }> {
  return pack.needAreas.flatMap((a) => [a, ...a.children.map((c) => ({ ...c, parentId: a.id }))]);
}

/** Whether a service is meant for the need area: tagged with it, or with one of its children. */
export function coversNeedArea(service: Pick<Service, 'needAreas'>, areaId: string, childIds: readonly string[]): boolean {
  return service.needAreas.some((t) => t === areaId || childIds.includes(t));
}

export function needAreaCoverage(pack: CorePack): NeedAreaCoverage[] {
  const active = pack.services.filter((s) => s.status === 'active');
  const childrenOf = new Map(pack.needAreas.map((a) => [a.id, a.children.map((c) => c.id)]));
  return allNeedAreas(pack).map((area) => {
    const serving = active.filter((s) => coversNeedArea(s, area.id, childrenOf.get(area.id) ?? []));
    const byLevel = new Map(pack.levels.map((l) => [l.id, serving.filter((s) => s.levels.includes(l.id)).map((s) => s.slug)]));
    return { id: area.id, name: area.name, parentId: area.parentId, services: serving.map((s) => s.slug), byLevel };
  });
}

/** Active services per level id. */
export function levelCoverage(pack: Pick<ContentPack, 'levels' | 'services'>): Map<string, string[]> {
  const active = pack.services.filter((s) => s.status === 'active');
  return new Map(pack.levels.map((l) => [l.id, active.filter((s) => s.levels.includes(l.id)).map((s) => s.slug)]));
}

/** The coverage table as Markdown: a row per need area, a column per level, counts of active services. */
export function coverageTable(pack: CorePack): string {
  const levels = [...pack.levels].sort((a, b) => a.rank - b.rank);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = `| need area | services | ${levels.map((l) => esc(`${l.label}: ${l.name}`)).join(' | ')} |`;
  const rule = `|---|---:|${levels.map(() => '---:').join('|')}|`;
  const rows = needAreaCoverage(pack).map((c) => {
    const name = c.parentId ? `&nbsp;&nbsp;${esc(c.name)}` : `**${esc(c.name)}**`;
    return `| ${name} | ${c.services.length} | ${levels.map((l) => c.byLevel.get(l.id)?.length ?? 0).join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
