import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlockedWords, words } from '../../server/chat/blocked-words.js';
import { readBlockedWords } from '../../server/plugins/moderation.js';
import { tempDir } from './helpers.js';

const list = new BlockedWords(['spam', 'ass', 'bad phrase', 'Café', 'ｗｉｄｅ']);
const blocked = (text: string) => list.matches(words(text));

test('matches whole words and phrases without case, accents or width', () => {
  for (const text of ['spam', 'SPAM here', 'Spam!', 'this is spàm', 'ｓｐａｍ', 'an ass', 'a BAD   phrase indeed', 'un cafe', 'CAFÉ', 'wide']) {
    assert.equal(blocked(text), true, text);
  }
});

test('undoes look-alike substitutions and letters spaced or dotted apart', () => {
  for (const text of ['5p@m', 'sp4m', '$pam', 'a$$', 's p a m', 's.p.a.m', 'S-P-A-M now', 'b4d phr4$e', '5 p @ m']) {
    assert.equal(blocked(text), true, text);
  }
});

test('never matches inside another word', () => {
  for (const text of ['class', 'classic assassin', 'spammer', 'badphrase', 'bad', 'phrase bad', 'passage', 'hello everyone', '']) {
    assert.equal(blocked(text), false, text);
  }
});

test('an empty list, or entries of punctuation only, match nothing', () => {
  assert.equal(new BlockedWords([]).matches(words('anything')), false);
  assert.equal(new BlockedWords(['!!!', '  ']).size, 0);
});

test('BLOCKED_WORDS_FILE: one entry a line, blank lines and a BOM ignored', (t) => {
  const file = join(tempDir(t), 'words.txt');
  writeFileSync(file, '\uFEFFspam\r\n\n  bad phrase  \n');
  const fromFile = readBlockedWords(file);
  assert.equal(fromFile.size, 2);
  assert.equal(fromFile.matches(words('so Bad Phrase')), true);
  assert.throws(() => readBlockedWords(join(tempDir(t), 'missing.txt')), /^ConfigError: BLOCKED_WORDS_FILE: cannot read .*missing\.txt: ENOENT$/);
});
