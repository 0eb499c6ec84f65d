import type { Command } from 'commander';
import type { PrivateQuestion } from '../factors/questions/createPrivateQuestions.ts';
import { cliActor } from './cliActor.ts';
import { readJsonDocument } from './readJsonDocument.ts';
import { runCommand } from './runCommand.ts';
import { withServices } from './withServices.ts';

const numbered = (questions: PrivateQuestion[]) => questions.map((question, index) => `${String(index + 1).padStart(2)}. ${question.text}`).join('\n');

/**
 * `gatehouse person questions NAME [--set FILE|-]` ("7=Questions"): the answers come from
 * a file or standard input, never from the command line (where the shell history and the
 * process list would keep them), and are never printed back.
 */
export function registerQuestionCommands(program: Command): void {
  const person = program.commands.find((command) => command.name() === 'person');
  if (!person) throw new Error('registerQuestionCommands: register the person commands first.');

  person
    .command('questions')
    .description('the person\'s private questions ("7=Questions"): list their texts (never the answers), or replace them all with --set')
    .argument('<name>', 'the person\'s name')
    .option('--set <file>', 'replace every question and answer with those of a JSON file ("-" reads standard input): [{"question": "...", "answer": "..."}]; [] removes them')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nAnswers are compared ignoring case and extra spaces, and stored only as salted hashes.')
    .action(async (name: string, options: { set?: string; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (options.set !== undefined) {
          const document = await readJsonDocument(options.set);
          const { person: shown, questions } = await withServices(async (services) => {
            const found = await services.persons.show(name);
            const set = await services.questions.setAnswers(found.sub, document, { actor: cliActor() });
            const stored = await services.persons.findBySub(found.sub);
            if (stored) await services.factorNotices.send(stored, 'questions-changed', { by: 'administrator' });
            return { person: found, questions: set };
          });
          const text = questions.length
            ? `Set ${questions.length} private question(s) of "${shown.name}":\n${numbered(questions)}`
            : `Removed the private questions of "${shown.name}".`;
          return { data: { name: shown.name, questions }, text };
        }
        const { person: shown, questions } = await withServices(async (services) => {
          const found = await services.persons.show(name);
          return { person: found, questions: await services.questions.questionsOf(found.sub) };
        });
        const text = questions.length ? `Private questions of "${shown.name}":\n${numbered(questions)}` : `"${shown.name}" has answered no private questions.`;
        return { data: { name: shown.name, questions }, text };
      });
    });
}
