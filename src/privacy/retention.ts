/**
 * What staff sent is kept for the retention period (RETENTION_DAYS, 90 days unless set), then
 * deleted: reports of wrong service records, unanswered chat questions, and the words of directory
 * searches that found nothing (their counts stay, as "words not kept"). Deletion runs when the
 * app starts and every few hours while it runs, and before `npm run editor:report` prints. Rows
 * stored by an older redaction are redacted again when the app starts.
 */
import type { FastifyInstance } from 'fastify';
import { ChatRepository } from '../chat/repository.js';
import { Insights } from '../insights/insights.js';
import { ReportRepository } from '../directory/reports.js';
import type { Store } from '../store/store.js';
import type { Redactor } from './redact.js';

export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
const EVERY = 6 * 60 * 60 * 1000;

export interface Deleted {
  reports: number;
  questions: number;
  /** searches whose words were forgotten (their counts kept) */
  searchWords: number;
}

/** Deletes what was sent more than `days` days before `now`. */
export async function deleteExpired(store: Store, days: number, now = new Date()): Promise<Deleted> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const reports = await new ReportRepository(store.db).deleteSentBefore(cutoff);
  const questions = await new ChatRepository(store).deleteAskedBefore(cutoff.toISOString().slice(0, 10));
  const searchWords = await new Insights(store.db).forgetSearchWords(cutoff.toISOString().slice(0, 10));
  return { reports, questions, searchWords };
}

/** Deletes every report and unanswered question now (`npm run editor:delete`). */
export async function deleteAllSent(store: Store): Promise<Deleted> {
  return deleteExpired(store, 0, new Date(Date.now() + DAY_MS));
}

/**
 * Redacts again what an older redaction stored; how many rows changed. The redactor is made only
 * when there is something to redact (on a large pack, making it takes a moment).
 */
export async function redactStoredAgain(store: Store, redactorOf: () => Redactor): Promise<number> {
  const chat = new ChatRepository(store);
  const reports = new ReportRepository(store.db);
  const questions = await chat.toRedactAgain();
  const notes = await reports.toRedactAgain();
  if (questions.length === 0 && notes.length === 0) return 0;
  const redactor = redactorOf();
  for (const q of questions) await chat.replaceQuestion(q.id, redactor.question(q.question));
  for (const r of notes) await reports.replaceDetails(r.id, r.details ? redactor.note(r.details) : '');
  return questions.length + notes.length;
}

/** Deletes expired rows when the app is ready and every six hours until it closes. */
export function setUpRetention(app: FastifyInstance, store: Store, days: number): void {
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const deleted = await deleteExpired(store, days);
      if (deleted.reports || deleted.questions || deleted.searchWords) app.log.info({ ...deleted, days }, 'deleted what staff sent, past its retention period');
    } catch (err) {
      app.log.error({ err }, 'retention: deleting expired rows failed');
    }
  };
  app.addHook('onReady', async () => {
    await run();
    timer = setInterval(() => void run(), EVERY);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
