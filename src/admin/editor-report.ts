/**
 * What staff told the editors, in one plain-text report: reports of wrong service records, chat
 * questions the bot could not answer (both already redacted when stored), and how helpful each chat
 * answer was rated. Read-only. `npm run editor:report` prints it until editors have an admin screen.
 */
import { ChatRepository } from '../chat/repository.js';
import { ReportRepository, reportReasonLabels, type ReportReason } from '../landscape/reports.js';
import type { Store } from '../store/store.js';

export async function editorReport(store: Store): Promise<string> {
  const reports = await new ReportRepository(store.db).list();
  const chat = new ChatRepository(store);
  const unanswered = await chat.unanswered(500);
  const feedback = await chat.allFeedback();
  const lines: string[] = [];

  lines.push(`Reports of something wrong with a service (${reports.length})`);
  for (const r of reports) {
    const reason = reportReasonLabels[r.reason as ReportReason] ?? r.reason;
    lines.push(`- ${r.createdAt.slice(0, 10)}  /services/${r.serviceSlug}  ${reason}${r.details ? `: ${r.details.replace(/\s+/g, ' ')}` : ''}`);
  }
  lines.push('', `Chat questions the bot could not answer (${unanswered.length})`);
  for (const q of unanswered) lines.push(`- ${q.askedOn}  ${q.question.replace(/\s+/g, ' ')}`);
  lines.push('', `Chat answers rated (${feedback.length}), least helpful first`);
  for (const f of feedback) lines.push(`- ${f.answerId}: ${f.helpful} helpful, ${f.notHelpful} not helpful`);
  return lines.join('\n');
}
