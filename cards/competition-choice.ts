/**
 * The chooser shown when one app serves several competitions and a message could be about more than one: in a
 * one-to-one chat the person picks (remembered for the conversation), in a group the office picks the group's.
 */
import { text, type Text } from '../src/platform/i18n';
import { button, card, markdown, plain, type Card } from './kit';

export interface CompetitionChoiceView {
  id: string;
  name: string;
  nameEn: string;
  archived: boolean;
}

const label = (c: CompetitionChoiceView): Text =>
  c.archived ? text(`${c.name}（已归档）`, `${c.nameEn} (archived)`) : text(c.name, c.nameEn);

export function competitionChooserCard(options: {
  choices: readonly CompetitionChoiceView[];
  inGroup: boolean;
  /** The command put aside until a competition is chosen (answered then). */
  pendingEventId?: string | undefined;
  /** The conversation's competition so far, when it has one (`切换竞赛`). */
  current?: CompetitionChoiceView | undefined;
  /** Asked for with 切换竞赛: a change, not a first choice (a group's then changes even if it has a competition). */
  switching?: boolean;
}): Card {
  const why = options.inGroup
    ? options.current
      ? text(
          `本群属于「${options.current.name}」。竞赛办可以在下面更换：更换后，本群的命令和通知都属于新选的竞赛。`,
          `This group belongs to "${options.current.nameEn}". The competition office can change it below: afterwards, commands and notices in this group belong to the competition chosen.`,
        )
      : text(
          '这个群还没有对应的竞赛。请该竞赛的竞赛办选择：选择后，本群的命令和通知都属于它。',
          'This group does not belong to a competition yet. The competition office chooses: afterwards, commands and notices in this group belong to it.',
        )
    : options.pendingEventId
      ? text(
          '你在多个竞赛中有角色，这条消息是关于哪一个的？选择后我会记住，之后本对话中的命令都按它处理；发送「切换竞赛」可以更换。',
          'You have roles in several competitions: which one is this message about? I will remember your choice for this conversation; send "switch" to change it.',
        )
      : text(
          '选择本对话中的命令属于哪个竞赛。',
          'Choose which competition the commands in this conversation are about.',
        );
  const elements = [markdown(why)];
  if (options.current) elements.push(plain(text(`当前：${options.current.name}`, `Now: ${options.current.nameEn}`)));
  for (const c of options.choices)
    elements.push(
      button(
        label(c),
        {
          a: 'cmp.pick',
          to: c.id,
          ...(options.pendingEventId ? { e: options.pendingEventId } : {}),
          ...(options.switching ? { sw: 1 as const } : {}),
        },
        c.id === options.current?.id ? 'default' : 'primary',
      ),
    );
  return card({ title: text('选择竞赛', 'Choose a competition'), template: 'blue', elements });
}

export function competitionChosenCard(choice: CompetitionChoiceView, inGroup: boolean): Card {
  return card({
    title: text('已选择竞赛', 'Competition chosen'),
    template: 'green',
    elements: [
      plain(
        inGroup
          ? text(`本群属于：${choice.name}`, `This group belongs to: ${choice.nameEn}`)
          : text(`本对话的命令属于：${choice.name}`, `Commands in this conversation are about: ${choice.nameEn}`),
      ),
      markdown(
        inGroup
          ? text('如需更换，请竞赛办发送「切换竞赛」。', 'To change it, the office sends "switch".')
          : text('发送「切换竞赛」可以更换。', 'Send "switch" to change it.'),
      ),
    ],
  });
}
