/**
 * The sections of a content pack that the tools own, in the order they are read and checked (and
 * their problems reported): passed to `loadPack` by the app's start, `content:publish`,
 * `content:check` and the tests. Nothing registers itself: a tool with a section is added here.
 */
import { chatSettingsSection, dangerExamplesSection, faqSection } from './chat/content.js';
import type { AnyPackSection } from './content/sections.js';
import { needsCheckSection } from './needs-check/content.js';

export const packSections: readonly AnyPackSection[] = [faqSection, chatSettingsSection, dangerExamplesSection, needsCheckSection];
