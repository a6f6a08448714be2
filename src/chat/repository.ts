/**
 * The chat bot's storage: unanswered questions for editors (their known words only, see
 * src/privacy/redact.ts; kept for the retention period), and anonymous helpfulness counts.
 */
import type { Generated } from 'kysely';
import { REDACTION_VERSION } from '../privacy/redact.js';
import type { Store } from '../store/store.js';

export type ChatTables = {
  chat_unanswered: { id: Generated<number>; question: string; asked_on: string; redaction: Generated<number>; faq_draft_id: Generated<number | null> };
  chat_feedback: { answer_id: string; helpful: number; not_helpful: number };
};

export class ChatRepository {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db.withTables<ChatTables>();
  }

  /** `question` must already be redacted. Only the day is kept, not the time. */
  async recordUnanswered(question: string, now = new Date()): Promise<void> {
    await this.db.insertInto('chat_unanswered').values({ question: question.slice(0, 500), asked_on: now.toISOString().slice(0, 10), redaction: REDACTION_VERSION }).execute();
  }

  /** Deletes the questions asked before `day` (YYYY-MM-DD); how many. */
  async deleteAskedBefore(day: string): Promise<number> {
    const r = await this.db.deleteFrom('chat_unanswered').where('asked_on', '<', day).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** questions stored by an older redaction than the current one */
  async toRedactAgain(): Promise<Array<{ id: number; question: string }>> {
    return this.db.selectFrom('chat_unanswered').select(['id', 'question']).where('redaction', '<', REDACTION_VERSION).execute();
  }

  async replaceQuestion(id: number, question: string): Promise<void> {
    await this.db.updateTable('chat_unanswered').set({ question: question.slice(0, 500), redaction: REDACTION_VERSION }).where('id', '=', id).execute();
  }

  async unanswered(limit = 200): Promise<Array<{ question: string; askedOn: string }>> {
    const rows = await this.db.selectFrom('chat_unanswered').select(['question', 'asked_on']).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ question: r.question, askedOn: r.asked_on }));
  }

  /** one page of the unanswered questions with their ids, newest first, and how many there are */
  async unansweredPage(offset: number, limit: number): Promise<{ questions: UnansweredQuestion[]; total: number }> {
    const total = Number((await this.db.selectFrom('chat_unanswered').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await this.db.selectFrom('chat_unanswered').select(['id', 'question', 'asked_on', 'faq_draft_id']).orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { questions: rows.map(toQuestion), total };
  }

  async unansweredById(id: number): Promise<UnansweredQuestion | undefined> {
    const r = await this.db.selectFrom('chat_unanswered').select(['id', 'question', 'asked_on', 'faq_draft_id']).where('id', '=', id).executeTakeFirst();
    return r && toQuestion(r);
  }

  /** remembers the FAQ draft an editor made of the question */
  async setFaqDraft(id: number, draftId: number): Promise<void> {
    await this.db.updateTable('chat_unanswered').set({ faq_draft_id: draftId }).where('id', '=', id).execute();
  }

  async recordFeedback(answerId: string, helpful: boolean): Promise<void> {
    await this.db
      .insertInto('chat_feedback')
      .values({ answer_id: answerId, helpful: helpful ? 1 : 0, not_helpful: helpful ? 0 : 1 })
      .onConflict((oc) =>
        oc.column('answer_id').doUpdateSet((eb) => (helpful ? { helpful: eb('chat_feedback.helpful', '+', 1) } : { not_helpful: eb('chat_feedback.not_helpful', '+', 1) })),
      )
      .execute();
  }

  async feedback(answerId: string): Promise<{ helpful: number; notHelpful: number }> {
    const r = await this.db.selectFrom('chat_feedback').selectAll().where('answer_id', '=', answerId).executeTakeFirst();
    return { helpful: r?.helpful ?? 0, notHelpful: r?.not_helpful ?? 0 };
  }

  /** Deletes every rating; how many answers had one. */
  async deleteAllFeedback(): Promise<number> {
    const r = await this.db.deleteFrom('chat_feedback').executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** every rated answer, the least helpful first */
  async allFeedback(): Promise<Array<{ answerId: string; helpful: number; notHelpful: number }>> {
    const rows = await this.db.selectFrom('chat_feedback').selectAll().orderBy('not_helpful', 'desc').orderBy('answer_id').execute();
    return rows.map((r) => ({ answerId: r.answer_id, helpful: r.helpful, notHelpful: r.not_helpful }));
  }
}

export interface UnansweredQuestion {
  id: number;
  /** as stored: redacted */
  question: string;
  askedOn: string;
  /** the FAQ draft an editor made of it, if any */
  faqDraftId: number | null;
}

const toQuestion = (r: { id: number; question: string; asked_on: string; faq_draft_id: number | null }): UnansweredQuestion => ({
  id: Number(r.id),
  question: r.question,
  askedOn: r.asked_on,
  faqDraftId: r.faq_draft_id === null ? null : Number(r.faq_draft_id),
});
