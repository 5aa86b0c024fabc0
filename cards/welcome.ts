import { text } from '../src/platform/i18n';
import { button, card, markdown, md, type Card } from './kit';

export function welcomeCard(options: { competitionName: string; competitionNameEn: string; inGroup: boolean }): Card {
  const intro = text(
    `你好！我是 **赛道助手** ，负责「${md(options.competitionName)}」：报名登记、进展报送、截止提醒、评分排行和评比表彰都在这里完成。`,
    `Hello! I am **Saidao**, the assistant of "${md(options.competitionNameEn)}": registration, progress reports, deadline reminders, scoring, rankings and awards all happen here.`,
  );
  const how = options.inGroup
    ? text(
        '在群里 @我 并发送「帮助」，查看你可以做什么。',
        'In this group, @mention me and send "help" to see what you can do.',
      )
    : text(
        '发送「帮助」或点击下面的按钮，查看你可以做什么。',
        'Send "help" or press the button below to see what you can do.',
      );
  return card({
    title: text('欢迎使用赛道助手', 'Welcome to Saidao'),
    template: 'turquoise',
    elements: [
      markdown(intro),
      markdown(how),
      button(text('我能做什么', 'What can I do'), { a: 'help.show' }, 'primary'),
    ],
  });
}
