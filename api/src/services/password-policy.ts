import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { AppError } from '../errors.js';

/** zxcvbn's scale: 0 too guessable … 4 very unguessable; 3 resists offline guessing of a slow hash. */
const MIN_SCORE = 3;

/**
 * Refuses passwords an attacker tries first: common and leaked-style
 * passwords, keyboard walks, dates, and anything built from the person's own
 * email or name, judged by zxcvbn (Dropbox's estimator, here the maintained
 * TypeScript port) with its common and English dictionaries.
 */
export class PasswordPolicy {
  readonly #zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    // zxcvbn's cost grows fast with length and l33t variants (a 200-character password took a second of
    // the event loop): judging the first 40 characters with few substitutions keeps it under ~20 ms.
    maxLength: 40,
    l33tMaxSubstitutions: 5,
  });

  check(password: string, userInputs: string[]): void {
    const result = this.#zxcvbn.check(password, userInputs);
    if (result.score >= MIN_SCORE) return;
    const hint = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => Boolean(s)).join(' ');
    throw AppError.badRequest('weak_password', `This password is too easy to guess.${hint ? ` ${hint}` : ''}`, 'password');
  }
}
