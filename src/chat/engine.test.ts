import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import type { ContentPack } from '../content/schema.js';
import { readDevSet, readHeldOut } from '../../scripts/eval-chat.js';
import { join } from 'node:path';
import { projectRoot } from '../content/pack-dir.js';
import { ChatEngine, createChatEngine } from './engine.js';
import { chatContent } from './content.js';
import { asksMeaning, rolePrefix, withoutRole as withoutRoleOf } from './text.js';

let pack: ContentPack;
let engine: ChatEngine;
beforeAll(() => {
  pack = defaultPack();
  engine = createChatEngine(pack);
});

const frontDoor = () => pack.manifest.contacts.frontDoor.phones[0]!.number;
const emergency = () => pack.manifest.contacts.emergency.phones[0]!.number;

describe('confidence bands', () => {
  it('answers a clear question with its FAQ and its links', () => {
    const r = engine.respond('do i need consent for early help');
    expect(r.band).toBe('answer');
    expect(r.answerId).toBe('consent-early-help');
    expect(r.links.some((l) => l.href === '/services/early-help-community-solutions')).toBe(true);
  });

  it('offers two or three questions as suggestions when unsure between them', () => {
    const r = engine.respond('consent');
    expect(r.band).toBe('clarify');
    expect(r.suggestions.length).toBeGreaterThanOrEqual(2);
    expect(r.suggestions.length).toBeLessThanOrEqual(3);
    // each suggestion, sent back, is answered outright
    for (const s of r.suggestions) expect(engine.respond(s).band).toBe('answer');
  });

  it('says plainly it does not know, with the front door, the needs check and the directory', () => {
    const r = engine.respond('best pizza in town');
    expect(r.band).toBe('unsure');
    expect(r.answerId).toBeUndefined();
    expect(r.reply).toContain(frontDoor());
    expect(r.links.map((l) => l.href)).toEqual(expect.arrayContaining(['/needs-check', '/services']));
  });

  it('when not sure but the worry is plain, says it is not sure first, then the services for that worry', () => {
    const items = ['dev-replies-3.yaml', 'dev-replies-4.yaml', 'dev-replies-5.yaml'].flatMap((f) => readHeldOut(join(projectRoot(), 'test', 'chat', f)));
    const unsure = items.map((i) => engine.respond(i.q)).filter((r) => r.band === 'unsure' && !r.danger && r.reply.includes('These services may help'));
    expect(unsure.length).toBeGreaterThan(0);
    for (const r of unsure) expect(r.reply.indexOf("I'm not sure")).toBe(0);
  });

  it('says what it is for when a message is about school life, not a child (staff pay, IT), and offers nothing in its place', () => {
    const out = chatContent(pack).settings.outOfScope!;
    for (const q of ['when will my wages go in this month', 'the wifi in my classroom keeps dropping out']) {
      const r = engine.respond(q);
      expect(r.band, q).toBe('unsure');
      expect(r.answerId, q).toBeUndefined();
      expect(r.suggestions, q).toEqual([]);
      expect(r.reply, q).toContain(frontDoor());
      expect(r.reply, q).toContain(out.reply.split('.')[0]);
    }
    // the same words about a child are answered, and danger still leads
    expect(engine.respond('a member of staff hit a pupil in my class').answerId).not.toBeUndefined();
    const danger = engine.respond('the wifi is down and a pupil has collapsed and is not breathing');
    expect(danger.danger).toBe(true);
    expect(danger.reply).toContain(emergency());
    expect(danger.reply).not.toContain(out.reply.split('.')[0]);
    // never offered as an answer or a suggestion, even when its own first example is sent
    const sent = engine.respond(out.examples[0]!);
    expect(sent.band).toBe('unsure');
    // and beside danger, the out-of-scope entry is never the answer either
    const both = engine.respond(`${out.examples[0]!} and a pupil has collapsed and is not breathing`);
    expect(both.danger).toBe(true);
    expect(both.answerId).not.toBe('out-of-scope');
    expect(engine.entries.filter((e) => e.kind === 'out-of-scope')).toHaveLength(1);
  });

  it('asks for a question when the message is empty or only symbols', () => {
    expect(engine.respond('   ').band).toBe('empty');
    expect(engine.respond('?!…').band).toBe('empty');
    expect(engine.respond(42).band).toBe('empty');
  });
});

describe('safety first', () => {
  it.each([
    'child being hit right now',
    'pupil has a plan to kill herself tonight',
    'he has taken an overdose',
    'boy brought a knife into school',
    'sucidal student with a plan',
  ])('puts the emergency guidance first: %s', (q) => {
    const r = engine.respond(q);
    expect(r.danger).toBe(true);
    expect(r.reply.startsWith('If a child is in immediate danger')).toBe(true);
    expect(r.reply.indexOf(emergency())).toBeLessThan(r.reply.indexOf(frontDoor()));
    expect(r.links[0]!.href).toBe(`tel:${emergency()}`);
  });

  it.each([
    'she is scared to go home',
    'y7 says his uncle hits him with a cable and he refuses to go home',
    'the 6 week old sibling came to pick up with a bruise on her forehead',
  ])('a worry that cannot wait but is not 999 leads with a same-day call to the front door (FACTS 1b): %s', (q) => {
    const r = engine.respond(q);
    expect(r.danger).toBe(false);
    expect(r.sameDay).toBe(true);
    expect(r.reply.startsWith('Call the')).toBe(true);
    expect(r.reply.indexOf(frontDoor())).toBeLessThan(r.reply.indexOf(emergency()));
    expect(r.links[0]!.href).toBe(`tel:${frontDoor().replace(/\s/g, '')}`);
    expect(r.links.map((l) => l.href)).toContain(`tel:${emergency().replace(/\s/g, '')}`);
    // not carried: the next message is read on its own
    expect(engine.respond('what about consent?', r.context).danger).toBe(false);
  });

  it('a same-day worry with an emergency told beside it is an emergency', () => {
    const r = engine.respond('she is scared to go home and her dad is outside the school with a knife right now');
    expect(r.danger).toBe(true);
    expect(r.sameDay).toBe(false);
    expect(r.links[0]!.href).toBe(`tel:${emergency()}`);
  });

  it('adds the advice for a young person with a plan to end their life only where the message is about that', () => {
    const suicide = /plan to end their life/;
    expect(engine.respond('pupil has a plan to kill herself tonight').reply).toMatch(suicide);
    expect(engine.respond('he has taken an overdose').reply).toMatch(suicide);
    const knife = engine.respond('boy brought a knife into school');
    expect(knife.danger).toBe(true);
    expect(knife.reply).not.toMatch(suicide);
    // carried to the next message with the conversation's worry
    const first = engine.respond('year 10 says she is going to take all her mums tablets tonight, she has them in her bag');
    expect(engine.respond('999 or 111?', first.context).reply).toMatch(suicide);
  });

  it('keeps the answer below the emergency guidance when the question also matches an FAQ', () => {
    const r = engine.respond('pupil has a plan to kill herself tonight, suicidal thoughts');
    expect(r.answerId).toBe('suicidal-thoughts');
    expect(r.danger).toBe(true);
    expect(r.reply.split('\n\n').length).toBeGreaterThan(1);
  });

  it('does not raise the alarm for ordinary questions or a negated plan', () => {
    expect(engine.respond('do i need consent for early help').danger).toBe(false);
    expect(engine.respond('pupil having suicidal thoughts, no plan').danger).toBe(false);
  });
});

describe('entities, synonyms and typos', () => {
  it('recognises a service by a short name and answers from its record', () => {
    const r = engine.respond('how can i refer a child to camhs');
    expect(r.answerId).toBe('service-refer:camhs-nelft');
    expect(r.context.service).toBe('camhs-nelft');
  });

  it('gives a service phone number from the service record, marked unverified where it is', () => {
    const r = engine.respond('dagenham food bank phone number');
    expect(r.answerId).toBe('service-phone:dagenham-food-bank');
    const food = pack.services.find((s) => s.slug === 'dagenham-food-bank')!;
    expect(r.reply).toContain(food.phones[0]!.number);
    expect(r.reply).toContain('unverified');
  });

  it('tolerates typos ("fod bank dagenham")', () => {
    expect(engine.respond('fod bank dagenham').answerId).toBe('service-about:dagenham-food-bank');
    expect(engine.respond('forced marrige concern').ranked[0]!.id).toMatch(/forced-marriage/);
  });

  it('reads a slip in an everyday word as that word, not as a term the pack knows ("frm" is "from", never "FGM")', () => {
    const r = engine.respond('yr 9 keeps going missing frm home');
    expect(r.answerId).toBe('going-missing');
    expect(r.reply).not.toMatch(/genital/i);
  });

  it('knows a service by the first words of its name, or by a word of its name the pack uses for nothing else, on stems', () => {
    const named = (q: string) => engine.respond(q).answerId ?? '';
    expect(named('school nurse duty desk number')).toMatch(/^service-\w+:school-nursing-nelft$/);
    expect(named('karma nirvana opening times')).toMatch(/^service-\w+:karma-nirvana$/);
    // an everyday word that begins a service's name is not that service
    expect(engine.respond('what does the future hold for a young carer').ranked[0]!.id).not.toMatch(/future-youth-zone/);
  });

  it('never "corrects" a real English word into a word the pack knows', () => {
    // "grabbing" once became "stabbing": a pupil grabbing others in a corridor raised the 999 alarm
    const r = engine.respond('girls in year 10 say one boy keeps grabbing them in the corridor');
    expect(r.danger).toBe(false);
    expect(r.reply).not.toMatch(/999/);
  });

  it('reads an English word with an ending, or with its g dropped, as that word, not as a near word the pack knows', () => {
    const corrected = (q: string) => (engine as unknown as { analyse(q: string): { corrected: string } }).analyse(q).corrected;
    // once "texted" became "tested", "bingeing" "ringing" and "kissin" "missin" (a child missing)
    expect(corrected('he texted her then')).toBe('he texted her then');
    expect(corrected('she is bingeing at night')).toBe('she is bingeing at night');
    expect(corrected('kissin in the toilets')).toBe('kissing in the toilets');
    // a slip is still corrected
    expect(corrected('bereavment support')).toBe('bereavement support');
  });

  it('reads the worry, not who is writing: a first clause that only names the writer\'s role is set aside', () => {
    const roles = rolePrefix(chatContent(pack).settings.writerRoles);
    const withoutRole = (q: string) => withoutRoleOf(q, roles);
    expect(withoutRole('SENCO here. Year 6 boy has lost weight and sleeps on the floor')).toBe('Year 6 boy has lost weight and sleeps on the floor');
    expect(withoutRole("I'm a TA in Year 2. A boy says his uncle hurts him")).toBe('A boy says his uncle hurts him');
    expect(withoutRole('Head of Year 10 here, lad vapes all day')).toBe('lad vapes all day');
    // a role that is the subject of the message stays
    expect(withoutRole('TA grabbed a child by the wrist')).toBe('TA grabbed a child by the wrist');
    expect(withoutRole('senco')).toBe('senco');
    // the roles are the pack's: with none, nothing is set aside
    expect(rolePrefix([])).toBeUndefined();
    expect(withoutRoleOf('SENCO here. A boy says his uncle hurts him', undefined)).toBe('SENCO here. A boy says his uncle hurts him');
    // "SENCO" once pulled a neglect worry to the answer on asking for an EHC needs assessment
    const r = engine.respond("SENCO here. Year 6 boy with an EHCP: mum's missed the last two annual reviews, he's lost weight, and he told his TA he sleeps on the floor.");
    expect(r.answerId).not.toBe('request-ehc-needs-assessment');
  });

  it('uses the pack abbreviations (LADO, MASH, DV)', () => {
    // the LADO's own service answer, or the FAQ about the LADO: both answer it
    expect(['service-about:lado-allegations-against-staff', 'what-is-the-lado']).toContain(engine.respond('what does the lado do').answerId);
    expect(engine.respond('services for dv').answerId).toBe('need-services:domestic-abuse');
    expect(engine.respond('what does mash mean').answerId).toBe('what-is-mash');
  });

  it('links a need area to the filtered directory', () => {
    const r = engine.respond('what services are there for young carers');
    expect(r.answerId).toBe('need-services:young-carers');
    expect(r.links[0]!.href).toBe('/services?need=young-carers');
  });

  it('lists the services for a need with the specialists for that very need first, before services for everything', () => {
    const r = engine.respond('services for young carers');
    const named = r.links.filter((l) => l.href.startsWith('/services/')).map((l) => l.href.slice('/services/'.length));
    const areas = (slug: string) => pack.services.find((s) => s.slug === slug)!.needAreas.length;
    expect(named.length).toBe(3);
    // the first has the fewest need areas of those named, and each is listed for young carers
    expect(areas(named[0]!)).toBe(Math.min(...named.map(areas)));
    for (const slug of named) expect(pack.services.find((s) => s.slug === slug)!.needAreas).toContain('young-carers');
  });

  it('explains a level from levels.yaml', () => {
    const level = pack.levels[1]!;
    const r = engine.respond(`what does ${level.label.toLowerCase()} mean`);
    expect(r.answerId).toBe(`level:${level.id}`);
    expect(r.reply).toContain(level.name);
  });

  it('sends "start the needs check" to the needs check', () => {
    const r = engine.respond('start needs check please');
    expect(r.answerId).toBe('nav:needs-check');
    expect(r.links[0]!.href).toBe('/needs-check');
  });
});

describe('follow-ups', () => {
  it('"how do I refer to them?" after a service answer refers to that service', () => {
    const first = engine.respond('whats kooth');
    expect(first.context.service).toBe('kooth');
    const next = engine.respond('how do i refer to them?', first.context);
    expect(next.answerId).toBe('service-refer:kooth');
    const phone = engine.respond('what is their number', first.context);
    expect(phone.answerId).toBe('service-phone:kooth');
  });

  it('"which services?" after a need answer lists that need area\'s services', () => {
    const first = engine.respond('young carer, what can i do');
    const next = engine.respond('which services', first.context);
    expect(next.answerId).toBe('need-services:young-carers');
  });

  it('ignores a context naming things the pack does not have', () => {
    expect(engine.cleanContext({ service: 'no-such-service', need: '<script>', answer: 'no-such-answer' })).toEqual({});
    expect(engine.cleanContext('nonsense')).toEqual({});
    expect(engine.respond('how do i refer to them', { service: 'nope' }).answerId ?? '').not.toMatch(/^service-refer:nope/);
  });
});

describe('answers', () => {
  it('never show a raw placeholder or HTML, and every FAQ answer is reachable by its own question', () => {
    for (const e of engine.entries) {
      expect(e.answer, e.id).not.toMatch(/\{[a-z-]+:[\w-]+\}/);
      expect(e.answer, e.id).not.toMatch(/<[a-z/]/i);
    }
    for (const e of engine.entries.filter((x) => x.kind === 'faq')) expect(engine.respond(e.question).answerId, e.id).toBe(e.id);
  });

  it('echoes no HTML from the question', () => {
    const r = engine.respond('<script>alert(1)</script> consent for early help');
    expect(JSON.stringify(r)).not.toContain('<script>');
  });
});

describe('answer first', () => {
  it('a question back shows the best answer first, then the other questions that fit as well, never one option', () => {
    const r = engine.respond('consent');
    expect(r.band).toBe('clarify');
    const best = engine.entry(r.ranked[0]!.id)!;
    expect(r.reply.startsWith(best.answer)).toBe(true);
    expect(r.answerId).toBe(best.id);
    expect(r.suggestions.length).toBeGreaterThanOrEqual(1);
    expect(r.suggestions).not.toContain(best.question);
  });

  it('an answer about a worry links into the needs check with that worry chosen', () => {
    const r = engine.respond('girl in year 9 wont eat lunch and is losing weight');
    expect(r.band).toBe('answer');
    const check = r.links.find((l) => l.href.startsWith('/needs-check?worry='));
    expect(check).toBeDefined();
    const worry = check!.href.split('=')[1]!;
    const areas = (pack.sections['needsCheck'] as { areas: Array<{ id: string }> }).areas.map((a) => a.id);
    expect(areas).toContain(worry);
  });

  it('a statement about a worry that no phrasing matches gets the answer about that worry, its services and the needs check for it', () => {
    // the FAQ classifier's reading turned off (its probability here sits at its threshold, so any content
    // change could make it answer first), so that this holds the need-area reading itself
    const reading = createChatEngine(pack, { intentAt: 2 });
    const r = reading.respond('any groups for kids whose brother is in jail');
    const need = pack.needAreas.flatMap((a) => a.children).find((a) => a.synonyms.includes('jail'))!;
    // answered, with the next different answers offered when there are any
    expect(['answer', 'clarify']).toContain(r.band);
    expect(r.reply).toContain(`worry about ${need.name.charAt(0).toLowerCase()}${need.name.slice(1)}`);
    expect(engine.entry(r.answerId!)?.kind).toBe('faq');
    expect(r.links.some((l) => l.href === `/services?need=${need.id}`)).toBe(true);
    expect(r.links.some((l) => l.href.startsWith('/needs-check?worry='))).toBe(true);
  });

  it('when no answer fits but the message names a worry, it gives the services Find services finds for it', () => {
    // the need-area reading turned off, so that the directory's fallback answers
    const plain = createChatEngine(pack, { topicAt: 99, agreeEvidence: 99, leadAt: 99, intentAt: 2 });
    const r = plain.respond('any groups for kids whose brother is in jail');
    expect(r.band).toBe('unsure');
    const need = pack.needAreas.flatMap((a) => a.children).find((a) => a.synonyms.includes('jail'))!;
    expect(r.links.some((l) => l.href === `/services?need=${need.id}`)).toBe(true);
    const listed = r.links.filter((l) => /^\/services\/[a-z0-9-]+$/.test(l.href)).map((l) => l.href.slice('/services/'.length));
    expect(listed.length).toBeGreaterThan(0);
    for (const slug of listed) expect(r.reply).toContain(pack.services.find((s) => s.slug === slug)!.name);
    expect(r.links.some((l) => l.href.startsWith('/needs-check?worry='))).toBe(true);
    // a vague message of common words is never answered with confidence
    expect(engine.respond('the quokka situation with the parents keeps getting worse, what now').band).not.toBe('answer');
    const unknown = engine.respond('what do I do about the quokka');
    expect(unknown.band).toBe('unsure');
    expect(unknown.links.map((l) => l.href)).toEqual(expect.arrayContaining(['/needs-check', '/services']));
  });
});

describe('danger as staff type it', () => {
  it.each([
    'dad is punching mum in reception',
    'boy says he will stab someone after school today',
    'year 10 girl is on the roof threatening to jump',
    'the 3 year old is alone in the flat',
    'parent is drunk and about to drive the children home',
    'pupil is having a seizure after taking some pills',
    'a man is filming children through the school fence',
  ])('"%s" brings the emergency guidance first', (q) => {
    const r = engine.respond(q);
    expect(r.danger).toBe(true);
    expect(r.reply).toContain(emergency());
  });

  it('harm told about now but in the past is a same-day call, not 999', () => {
    expect(engine.respond('child told me dad hit her last week, she is in class now').danger).toBe(false);
    expect(engine.respond('girl said her dad threatened to kill her mum years ago').danger).toBe(false);
  });
});

describe('the FAQ classifier beside the matcher', () => {
  it('answers a long statement whose weak best match the classifier reads the same way', () => {
    const q = 'parents splitting up and my year 5 girl is crying in class every day';
    const r = engine.respond(q);
    expect(r.answerId).toBe('parents-separating');
    expect(r.band).not.toBe('unsure');
    // the matcher alone, without the classifier or the clear-lead rule, is not sure
    expect(createChatEngine(pack, { intentAt: 2, leadAt: 99 }).respond(q).band).toBe('unsure');
  });

  it('offers the FAQ the classifier reads clearly, when the matcher answers a different one close to it', () => {
    const q = 'grief support for a family after a suicide';
    const bereavement = engine.entries.find((e) => e.id === 'bereavement-where-to-get-help')!.question;
    const r = engine.respond(q);
    expect(r.band).toBe('clarify');
    expect(r.suggestions).toContain(bereavement);
    const alone = createChatEngine(pack, { intentAt: 2 }).respond(q);
    expect(alone.band).toBe('answer');
    expect(alone.suggestions).not.toContain(bereavement);
  });
});

describe('text speak', () => {
  it('reads "sez", "wat" and "wivout" as the words they stand for, before any spelling correction', () => {
    const r = engine.respond('wat do i do if a kid sez his dad hits him');
    expect(r.answerId).not.toMatch(/send|sen-/);
    expect(r.reply.toLowerCase()).toMatch(/front door|social care/);
    expect(engine.respond('cn i refer wivout the parnets consent').answerId).toMatch(/consent/);
  });
});

describe('a statement about a sign of harm, with what the needs check makes of it', () => {
  it('adds the needs check level to a statement, from the needs check engine, and not to a question or a weighed need', () => {
    const acute = pack.levels.reduce((a, b) => (b.rank > a.rank ? b : a));
    const statement = engine.respond('year 8 boy says his stepdad kicked him');
    expect(statement.reply).toContain(`In the needs check, this is ${acute.label}`);
    expect(engine.respond('what do i do if a child says they are hit at home?').reply).not.toContain('In the needs check');
    // a worry weighed with the family's strengths has no level until the check asks about them
    expect(engine.respond('year 6 girl is worried all the time and not sleeping').reply).not.toContain('In the needs check');
  });
});

describe('built a slice at a time', () => {
  it('answers every dev set question, and a follow-up, exactly as the engine built at once', async () => {
    let pauses = 0;
    const pause = async () => {
      pauses++;
    };
    const sliced = await ChatEngine.build(pack, {}, { pause, sliceMs: 0 });
    expect(pauses).toBeGreaterThan(0);
    expect(sliced.entries).toEqual(engine.entries);
    for (const { q } of readDevSet()) {
      const r = engine.respond(q);
      expect(sliced.respond(q), q).toEqual(r);
      expect(sliced.respond('how do i refer to them', r.context)).toEqual(engine.respond('how do i refer to them', r.context));
    }
  });
});

describe('a question about what a term means', () => {
  it('is read from the ways staff ask it, and not from questions about what to do', () => {
    for (const q of ['what does nrpf stand for', 'what even is an ehcp', 'whats this sextortion thing', 'wots cse exactly', 'what is a pep', 'is that classed as neglect', 'does looking after her nan count'])
      expect(asksMeaning(q), q).toBe(true);
    for (const q of ['what do i do now', 'what is the number for the front door', 'what is the best way to refer a family', 'she says her dad hit her', 'who can help with money worries'])
      expect(asksMeaning(q), q).toBe(false);
  });

  it('is answered with the FAQ that says what the term means, before the one about what to do', () => {
    const without = createChatEngine(pack, { meaningBonus: 0 });
    for (const [q, definition] of [
      ['what does nrpf stand for', 'what-is-nrpf'],
      ['whats a young carer, does looking after her nan count', 'what-is-a-young-carer'],
      // a message that opens by asking what something is, then asks more about it
      ['what is gillick competence and does it apply to a 14 year old asking about the pill', 'what-is-gillick-competence'],
    ] as const) {
      expect(without.respond(q).answerId, q).not.toBe(definition);
      expect(engine.respond(q).answerId, q).toBe(definition);
    }
  });
});

describe('a conversation about a worry', () => {
  it('is never answered "I can only help with worries about a child": a follow-up no answer fits gets that worry\'s answers to choose from', () => {
    const out = chatContent(pack).settings.outOfScope!;
    const first = engine.respond('15 year old boy sent a nude to someone on instagram and they want 150 pounds tonight, what do I do?');
    expect(first.context.need).toBeDefined();
    const q = 'should he pay or block them? and do I have to tell his parents?';
    // on its own, the message reads most like the pack's examples of staff pay
    expect(engine.respond(q).reply).toContain(out.reply.split('.')[0]);
    const r = engine.respond(q, first.context);
    expect(r.reply).not.toContain(out.reply.split('.')[0]);
    expect(r.reply).toContain(frontDoor());
    const onSubject = r.suggestions.map((s) => engine.entry(engine.entries.find((e) => e.question === s)!.id)!.need);
    expect(onSubject.length).toBeGreaterThan(0);
    expect(onSubject[0]).toBe(first.context.need);
    // the question of what the bot is not for, sent as its button sends it, is still refused
    expect(engine.respond(out.examples[0]!, first.context).reply).toContain(out.reply.split('.')[0]);
  });

  it('reads a follow-up that names no worry of its own as about that worry: its answers before another worry\'s', () => {
    const first = engine.respond('noticed fresh cuts on a year 9 girls arm in PE today');
    expect(first.context.need).toBe('self-harm');
    const alone = engine.respond('should the parents be told?');
    const next = engine.respond('should the parents be told?', first.context);
    expect(engine.entry(next.answerId!)?.need).toBe('self-harm');
    expect(next.answerId).not.toBe(alone.answerId);
    // a worry under the same broader area counts too, a little less: telling parents about self-harm, in a talk about suicidal thoughts
    expect(engine.entry(engine.respond('do her parents have to be told?', { need: 'suicidal-thoughts' }).answerId!)?.need).toBe('self-harm');
    // "as well" is "too", not wellbeing
    expect(engine.respond('uniform as well?', { need: 'food-poverty' }).answerId).toBe(engine.respond('and uniform?', { need: 'food-poverty' }).answerId);
    // a message that names a worry of its own is read on its own words
    const other = engine.respond('different child: a year 4 boy is a young carer for his mum, what can i do', first.context);
    expect(other.answerId).toBe(engine.respond('different child: a year 4 boy is a young carer for his mum, what can i do').answerId);
  });

  it('keeps the worry through a general answer, and gives that worry\'s services and needs check beside it', () => {
    const first = engine.respond('year 4 keeps coming in hungry and his uniform is filthy');
    const need = first.context.need!;
    expect(need).toBeDefined();
    const level = engine.respond('what level would that be?', first.context);
    expect(engine.entry(level.answerId!)?.need).toBeUndefined();
    expect(level.context.need).toBe(need);
    expect(level.links.some((l) => l.href === `/services?need=${need}`)).toBe(true);
    expect(level.links.some((l) => l.href.startsWith('/needs-check?worry='))).toBe(true);
    // and the next follow-up still knows the worry
    const who = engine.respond('who do i refer to?', level.context);
    expect(who.answerId).toBe(`need-services:${need}`);
  });

  it('says the level the needs check gives a worry whose every sign sets it, when asked in the conversation', () => {
    const first = engine.respond('a year 6 girl told me she was cut during a ceremony abroad in the summer');
    const need = first.context.need!;
    const level = engine.respond('what level is that?', first.context);
    expect(level.reply).toContain('In the needs check, this is');
    // asked with no conversation, the general answer says nothing of any one worry
    expect(engine.respond('what level is that?').reply).not.toContain('In the needs check, this is');
    expect(need).toBeDefined();
  });

  it('does not give the same answer again word for word: it names it, in short, and offers the next different answers', () => {
    const first = engine.respond('who do i call out of hours about a child');
    expect(first.band).toBe('answer');
    expect(first.context.answer).toBe(first.answerId);
    const again = engine.respond('what number do i ring at the weekend then', first.context);
    expect(again.answerId).toBe(first.answerId);
    expect(again.reply).not.toBe(first.reply);
    expect(again.reply.length).toBeLessThan(first.reply.length + 100);
    expect(again.suggestions.length).toBeGreaterThan(0);
    expect(again.suggestions).not.toContain(engine.entry(first.answerId!)!.question);
    // its own button, pressed, gets the answer in full
    expect(engine.respond(engine.entry(first.answerId!)!.question, first.context).reply).toContain(first.reply);
    // a first sentence of a word or two ("No.") is named with the one after it
    const secret = engine.respond('can i keep a secret if a child asks me to');
    expect(secret.reply).toMatch(/^No\. /);
    expect(engine.respond('so i cant promise not to tell?', secret.context).reply).toMatch(/In short: No\. \w+/);
    // and with no conversation the question gets the answer in full
    expect(engine.respond('what number do i ring at the weekend then').reply).toContain(first.reply);
  });

  it('asked again, names the part of the answer that says most about the new question, and its start when no part does', () => {
    const e = engine as unknown as { partFor(answer: string, a: unknown): string; analyse(q: string): unknown };
    const answer = engine.entry('keep-secret')!.answer;
    expect(e.partFor(answer, e.analyse('so who would you share it with then'))).toMatch(/^Tell the child kindly that you will have to share it/);
    // "No." stays with the sentence after it
    expect(e.partFor(answer, e.analyse('promise'))).toBe('No. Never promise to keep a secret.');
    expect(e.partFor(answer, e.analyse('xyzzy'))).toBe('No. Never promise to keep a secret.');
  });

  it('an unsure follow-up in a conversation gives that worry\'s services', () => {
    const first = engine.respond('mum was drunk at pick up again');
    const need = first.context.need!;
    expect(need).toBeDefined();
    const r = engine.respond('the grandparents are lovely though', first.context);
    expect(r.band).toBe('unsure');
    expect(r.links.some((l) => l.href === `/services?need=${need}`)).toBe(true);
  });
});

describe('danger with no answer that fits', () => {
  it('gives the emergency guidance first, then the nearest answers to choose from, not the guidance alone', () => {
    const r = engine.respond('she says she is terrified to go home tonight, mum\'s partner will be there at 3.30, do I hand her over?', { need: 'domestic-abuse-at-home' });
    expect(r.danger).toBe(true);
    expect(r.band).toBe('unsure');
    expect(r.reply).toMatch(/^If a child is in immediate danger, call 999/);
    expect(r.suggestions.length).toBeGreaterThan(0);
  });

  it('names the services for the worry after the guidance, when the message names one', () => {
    const r = engine.respond('year 11 lad cuts his legs with a pencil sharpener blade most nights and has one in his pocket right now');
    expect(r.danger).toBe(true);
    expect(r.band).toBe('unsure');
    expect(r.reply).toMatch(/^If a child is in immediate danger, call 999/);
    expect(r.links.some((l) => l.href === '/services?need=self-harm')).toBe(true);
  });
});


describe('the answer listing the services for a need', () => {
  it('says what the first few services do, not only how many there are, each linked', () => {
    const r = engine.respond('Services for self-harm');
    expect(r.answerId).toBe('need-services:self-harm');
    const linked = r.links.filter((l) => /^\/services\/[^/?]+$/.test(l.href)).map((l) => pack.services.find((s) => `/services/${s.slug}` === l.href)!);
    expect(linked.length).toBe(3);
    for (const s of linked) expect(r.reply).toContain(`${s.name}: ${s.summary.replace(/\.$/, '')}`);
  });
});
