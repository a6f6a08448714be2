/**
 * What staff told the editors, in one plain-text report: reports of wrong service records, chat
 * questions the bot could not answer (both redacted when stored, and kept for the retention period
 * only), and how helpful each chat answer was rated. Read-only. `npm run editor:report` prints it
 * until editors have an admin screen. Stored text is printed through `showable`: a control or format
 * character that reached the store is shown as its code, never obeyed by the terminal.
 */
import { ChatRepository } from '../chat/repository.js';
import { ReportRepository, reportReasonLabels, type ReportReason } from '../directory/reports.js';
import { showable } from '../privacy/text.js';
import type { Store } from '../store/store.js';

const line = (text: string) => showable(text.replace(/\s+/g, ' '));

export async function editorReport(store: Store, opts: { retentionDays?: number } = {}): Promise<string> {
  const reports = await new ReportRepository(store.db).list();
  const chat = new ChatRepository(store);
  const unanswered = await chat.unanswered(500);
  const feedback = await chat.allFeedback();
  const lines: string[] = [];

  if (opts.retentionDays) lines.push(`Reports and questions are deleted ${opts.retentionDays} days after they were sent.`, '');
  lines.push(`Reports of something wrong with a service (${reports.length})`);
  for (const r of reports) {
    const reason = reportReasonLabels[r.reason as ReportReason] ?? line(r.reason);
    lines.push(`- ${line(r.createdAt.slice(0, 10))}  /services/${line(r.serviceSlug)}  ${reason}${r.details ? `: ${line(r.details)}` : ''}`);
  }
  lines.push('', `Chat questions the bot could not answer (${unanswered.length})`);
  for (const q of unanswered) lines.push(`- ${line(q.askedOn)}  ${line(q.question)}`);
  lines.push('', `Chat answers rated (${feedback.length}), least helpful first`);
  for (const f of feedback) lines.push(`- ${line(f.answerId)}: ${f.helpful} helpful, ${f.notHelpful} not helpful`);
  return lines.join('\n');
}
