import { formatUsd, usd } from '../domain/money.js';
import { bootstrapRatioOfRatios, median } from '../domain/statistics.js';
import type { PersonWeek } from '../metrics/delivery.js';
import { countText, timesText, usdText } from './evidence-format.js';
import type { Finding } from './finding.js';

/** Minimum samples before a spread may be flagged: see variance.cost_per_pr_spread in the catalog. */
export const MIN_PERSON_PRS = 8;
export const MIN_PEER_PRS = 20;
export const MIN_WEEKS = 4;
export const SPREAD_FLAG = 3;
/** The bootstrap interval's lower end must stay above this, or the spread may be noise. */
export const INTERVAL_FLOOR = 1.5;

export interface PersonSpread {
  personId: string;
  name: string;
  teamId: string | null;
  costPerPr: number;
  /** Whose median `cohortMedian` is: the person's team, or the organisation when the team is too small. */
  cohort: 'team' | 'organisation';
  cohortMedian: number;
  ratio: number;
  interval: { low: number; high: number } | null;
  prs: number;
  peerPrs: number;
  weeks: number;
  flagged: boolean;
  /**
   * Why a person at ≥ 3x the cohort median is not flagged (too few PRs, peers' PRs or weeks to judge; or
   * the bootstrap interval reaches down to noise, with the week that holds most of the spend); null when
   * flagged or below 3x. The finding names every such person with the reason: never silently left out.
   */
  setAside: string | null;
}

/** A week holding more than this share of a person's spend makes their spread one episode, not a habit. */
const ONE_WEEK_SHARE = 0.4;

/**
 * Spread of cost per merged PR among people of the same team (the cohort of similar work for now). A person
 * is flagged only at ≥ 3x the cohort median, with enough PRs on both sides, and when a bootstrap over weeks
 * keeps the ratio above 1.5x — otherwise the spread may be noise.
 */
export function costPerPrSpreads(weeks: PersonWeek[]): PersonSpread[] {
  const byPerson = new Map<string, PersonWeek[]>();
  for (const w of weeks) {
    const list = byPerson.get(w.personId);
    if (list) list.push(w);
    else byPerson.set(w.personId, [w]);
  }
  const people = [...byPerson.entries()].map(([personId, ws]) => {
    const cost = ws.reduce((a, w) => a.plus(w.cost), usd(0)).toNumber();
    const prs = ws.reduce((a, w) => a + w.prs, 0);
    return { personId, name: ws[0]?.name ?? personId, teamId: ws[0]?.teamId ?? null, ws, cost, prs };
  });
  // Each team's people who merged something, in the order above: a person's peers are their team's but
  // themselves (looked up per team, not by scanning the whole organisation once per person).
  const delivering = new Map<string, typeof people>();
  for (const p of people) {
    if (p.prs === 0 || p.teamId === null) continue;
    const team = delivering.get(p.teamId);
    if (team) team.push(p);
    else delivering.set(p.teamId, [p]);
  }
  const spreads: PersonSpread[] = [];
  for (const person of people) {
    if (person.prs === 0 || person.teamId === null) continue;
    const peers = (delivering.get(person.teamId) ?? []).filter((p) => p.personId !== person.personId);
    if (peers.length < 2) {
      // No team cohort: measured against everyone else who delivered, named if 3x, never flagged.
      const others = people.filter((p) => p.prs > 0 && p.personId !== person.personId);
      const orgMedian = median(others.map((p) => p.cost / p.prs));
      const ratio = orgMedian > 0 ? person.cost / person.prs / orgMedian : 0;
      if (ratio >= SPREAD_FLAG)
        spreads.push({
          personId: person.personId,
          name: person.name,
          teamId: person.teamId,
          costPerPr: person.cost / person.prs,
          cohort: 'organisation',
          cohortMedian: orgMedian,
          ratio,
          interval: null,
          prs: person.prs,
          peerPrs: others.reduce((a, p) => a + p.prs, 0),
          weeks: person.ws.length,
          flagged: false,
          setAside: `no team cohort to judge against (${peers.length} teammate${peers.length === 1 ? '' : 's'} merged PRs); compared with the organisation's median`,
        });
      continue;
    }
    const cohortMedian = median(peers.map((p) => p.cost / p.prs));
    if (!(cohortMedian > 0)) continue;
    const costPerPr = person.cost / person.prs;
    const ratio = costPerPr / cohortMedian;
    const peerPrs = peers.reduce((a, p) => a + p.prs, 0);
    const enough = person.prs >= MIN_PERSON_PRS && peerPrs >= MIN_PEER_PRS && person.ws.length >= MIN_WEEKS;
    let interval: PersonSpread['interval'] = null;
    if (enough && ratio >= SPREAD_FLAG) {
      const unit = (w: PersonWeek) => ({ numerator: w.cost.toNumber(), denominator: w.prs });
      // Peers are resampled as weeks of the cohort median person's rate: each peer week is one unit.
      interval = bootstrapRatioOfRatios(
        person.ws.map(unit),
        peers.flatMap((p) => p.ws.map(unit)),
        {
          seed: person.personId.length * 7919 + person.prs,
        },
      );
    }
    const flagged = enough && ratio >= SPREAD_FLAG && interval !== null && interval.low > INTERVAL_FLOOR;
    spreads.push({
      personId: person.personId,
      name: person.name,
      teamId: person.teamId,
      costPerPr,
      cohort: 'team',
      cohortMedian,
      ratio,
      interval,
      prs: person.prs,
      peerPrs,
      weeks: person.ws.length,
      flagged,
      setAside: flagged || ratio < SPREAD_FLAG ? null : setAsideReason(person, peerPrs, interval),
    });
  }
  return spreads.sort((a, b) => b.ratio - a.ratio);
}

/** Why a spread of ≥ 3x is not flagged: the first minimum it misses, or what makes the interval wide. */
function setAsideReason(
  person: { prs: number; ws: PersonWeek[]; cost: number },
  peerPrs: number,
  interval: PersonSpread['interval'],
): string {
  if (person.prs < MIN_PERSON_PRS) return `too few PRs to judge: ${person.prs} (${MIN_PERSON_PRS} needed)`;
  if (peerPrs < MIN_PEER_PRS) return `too few PRs among peers to judge: ${peerPrs} (${MIN_PEER_PRS} needed)`;
  if (person.ws.length < MIN_WEEKS)
    return `too few weeks to judge: ${person.ws.length} (${MIN_WEEKS} needed)`;
  const low = interval ? `${interval.low.toFixed(1)}x` : 'unknown';
  const top = person.ws.reduce<PersonWeek | null>((a, w) => (a === null || w.cost.gt(a.cost) ? w : a), null);
  const share = top && person.cost > 0 ? top.cost.toNumber() / person.cost : 0;
  if (top && share > ONE_WEEK_SHARE)
    return `${Math.round(share * 100)}% of the spend fell in one week (from ${top.week}): one episode, not a habit — the 90% interval reaches ${low}`;
  return `the 90% interval reaches ${low}: the spread may be noise`;
}

export function varianceFinding(
  spreads: PersonSpread[],
  named: boolean,
  teamName: (id: string) => string,
): Finding {
  const flagged = spreads.filter((s) => s.flagged);
  const setAside = spreads.filter((s) => s.setAside !== null);
  const top = flagged[0] ?? spreads[0];
  const who = (s: PersonSpread) => (named ? s.name : `one engineer in ${teamName(s.teamId ?? '')}`);
  const money = (n: number) => formatUsd(usd(n.toFixed(2)));
  const rate = (s: PersonSpread) =>
    `${money(s.costPerPr)} per merged PR, ${s.ratio.toFixed(1)}x the ${s.cohort} median of ${money(s.cohortMedian)}`;
  // Everyone at ≥ 3x is named: the flagged ones after the first, then those set aside with the reason.
  const alsoFlagged = flagged
    .slice(1)
    .map((s) => `${who(s)} (${s.ratio.toFixed(1)}x)`)
    .join('; ');
  const asideText = setAside.map((s) => `${who(s)}, ${rate(s)}: set aside, ${s.setAside ?? ''}`).join('; ');
  const tail = `${alsoFlagged ? ` Also above ${SPREAD_FLAG}x: ${alsoFlagged}.` : ''}${asideText ? ` Above ${SPREAD_FLAG}x but not flagged: ${asideText}.` : ''}`;
  const asideEvidence = Object.fromEntries(
    setAside.map((s, i) => [
      `set_aside_${i + 1}`,
      `${named ? s.name : 'hidden'} (${teamName(s.teamId ?? '')}): ${timesText(s.ratio, 2)}, ${countText(s.prs)} PRs — ${s.setAside ?? ''}`,
    ]),
  );
  if (!top || flagged.length === 0) {
    return {
      id: 'variance.cost_per_pr_spread',
      section: 'variance',
      flag: false,
      question: 'Is anyone spending far more than their peers on similar work?',
      answer: top
        ? setAside.length > 0
          ? `No one the data can judge.${tail}`
          : `No. The widest spread is ${top.ratio.toFixed(1)}x the team median, within what the data can tell from noise.`
        : 'Not enough merged PRs with attributed spend to compare people yet.',
      evidence: top
        ? {
            widest_ratio: timesText(top.ratio, 2),
            people_compared: countText(spreads.length),
            ...asideEvidence,
          }
        : {},
      metricIds: ['variance.cost_per_pr_spread', 'effectiveness.cost_per_merged_pr'],
      action: null,
    };
  }
  return {
    id: 'variance.cost_per_pr_spread',
    section: 'variance',
    flag: true,
    question: 'Is anyone spending far more than their peers on similar work?',
    answer: `${who(top)} spends ${rate(top)} (90% interval ${top.interval?.low.toFixed(1)}x–${top.interval?.high.toFixed(1)}x, ${top.prs} PRs against ${top.peerPrs}).${tail}`,
    evidence: {
      person: named ? top.name : 'hidden',
      team: teamName(top.teamId ?? ''),
      cost_per_pr: usdText(top.costPerPr),
      team_median: usdText(top.cohortMedian),
      ratio: timesText(top.ratio, 2),
      interval_low: timesText(top.interval?.low ?? 0, 2),
      interval_high: timesText(top.interval?.high ?? 0, 2),
      prs: countText(top.prs),
      peer_prs: countText(top.peerPrs),
      flagged: countText(flagged.length),
      ...asideEvidence,
    },
    metricIds: ['variance.cost_per_pr_spread', 'effectiveness.cost_per_merged_pr'],
    action:
      'Ask, not grade: is the work harder than it looks (a gnarly codebase, an exploratory spike), is an agent looping, or is there a workflow peers could share?',
  };
}
