/**
 * The playground page's HTML shell: the landmarks and controls with the accessible names the issue fixes (身份,
 * 时间 with 前往, 消息 with 发送, 📎 文件 beside them), styled like Feishu's desktop client. src/playground/web/app.ts fills it in.
 */
import { CARD_CSS } from './card-css';

const PAGE_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2329;background:#f5f6f7}
.app{display:grid;grid-template-columns:300px 1fr;height:100vh}
.sidebar{background:#eef0f3;border-right:1px solid #dee0e3;display:flex;flex-direction:column;gap:10px;padding:12px;overflow:auto}
.brand{font-weight:600;font-size:16px}
.brand small{display:block;font-weight:400;color:#646a73;font-size:12px}
.field{display:flex;flex-direction:column;gap:4px}
.field label{font-size:12px;color:#646a73}
.field select,.field input{font:inherit;padding:6px 8px;border:1px solid #d0d3d6;border-radius:6px;background:#fff}
.row{display:flex;gap:6px;align-items:center}
.row input{flex:1;min-width:0}
button{font:inherit;cursor:pointer}
.btn{padding:6px 12px;border:1px solid #d0d3d6;border-radius:6px;background:#fff}
.btn.primary{background:#3370ff;border-color:#3370ff;color:#fff}
.btn:disabled{opacity:.5;cursor:default}
.now{font-size:12px;color:#646a73}
.chats{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:2px}
.chats button{width:100%;text-align:left;border:0;background:transparent;padding:8px 10px;border-radius:8px;display:flex;gap:8px;align-items:center}
.chats button[aria-current="true"]{background:#dfe5f5}
.chats .avatar{width:32px;height:32px;border-radius:50%;background:#3370ff;color:#fff;display:grid;place-items:center;font-size:13px;flex:none}
.chats .avatar.group{background:#14c0ff}
.chats .badge{margin-left:auto;background:#f54a45;color:#fff;border-radius:9px;font-size:11px;padding:0 6px}
.guide{font-size:12px;color:#4e5969;background:#fff;border-radius:8px;padding:8px 10px}
.guide ol{margin:4px 0 0;padding-left:18px}
main{display:flex;flex-direction:column;min-width:0;height:100vh}
.chat-title{padding:12px 16px;border-bottom:1px solid #dee0e3;background:#fff;font-weight:600}
.chat-title small{font-weight:400;color:#646a73;margin-left:8px}
.log{flex:1;overflow:auto;padding:16px;display:flex;flex-direction:column;gap:14px}
.msg{display:flex;gap:8px;align-items:flex-start;max-width:100%}
.msg .avatar{width:32px;height:32px;border-radius:50%;background:#7f3bf5;color:#fff;display:grid;place-items:center;font-size:13px;flex:none}
.msg.bot .avatar{background:#3370ff}
.msg.mine{flex-direction:row-reverse}
.msg .body{display:flex;flex-direction:column;gap:4px;min-width:0;max-width:min(640px,100%)}
.msg.mine .body{align-items:flex-end}
.msg .meta{font-size:12px;color:#8f959e}
.bubble{background:#fff;border:1px solid #dee0e3;border-radius:8px;padding:8px 12px;white-space:pre-wrap;word-break:break-word}
.msg.mine .bubble{background:#e1eaff;border-color:#c8d7ff}
.bubble .at{color:#245bdb}
.file{display:flex;gap:8px;align-items:center;background:#fff;border:1px solid #dee0e3;border-radius:8px;padding:10px 12px}
.file .file-icon{flex:none;width:32px;height:40px;border-radius:4px;display:grid;place-items:center;color:#fff;font-size:10px;font-weight:600;background:var(--file-color,#8f959e)}
.file .file-info{display:flex;flex-direction:column;min-width:0}
.file .file-name{font-weight:500;word-break:break-all}
.file .file-size{font-size:12px;color:#8f959e}
.file a{margin-left:8px;font-size:12px;color:#3370ff;white-space:nowrap}
.thumb{display:block;max-width:240px;max-height:240px;border-radius:8px;border:1px solid #dee0e3;background:#fff}
.msg .meta .fwd{display:inline-block;font-size:11px;color:#245bdb;background:#e1eaff;border-radius:4px;padding:0 6px;margin-left:6px}
.msg .meta .reply-action{border:0;background:transparent;color:#3370ff;font-size:12px;padding:0 4px;margin-left:6px}
.quote{font-size:12px;color:#646a73;border-left:3px solid #c8d7ff;padding-left:6px;max-width:360px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.reply{display:flex;gap:8px;align-items:center;font-size:12px;color:#646a73;background:#f2f3f5;border-left:3px solid #3370ff;border-radius:4px;padding:4px 8px;margin-bottom:6px}
.reply[hidden]{display:none}
.reply span{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.reply button{border:0;background:transparent;color:#8f959e;padding:0 4px}
.composer .tools{display:flex;gap:4px;align-items:center}
.icon-btn{border:0;background:transparent;color:#646a73;line-height:0;padding:5px;border-radius:6px}
.icon-btn svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.icon-btn:hover{background:#f2f3f5}
.composer{border-top:1px solid #dee0e3;background:#fff;padding:10px 16px;position:relative}
.composer textarea{width:100%;min-height:64px;resize:vertical;border:1px solid #d0d3d6;border-radius:6px;padding:8px;font:inherit}
.composer .actions{display:flex;justify-content:space-between;align-items:center;margin-top:6px;font-size:12px;color:#8f959e}
.mentions{position:absolute;bottom:100%;left:16px;background:#fff;border:1px solid #dee0e3;border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.12);min-width:220px;max-height:240px;overflow:auto;padding:4px;margin:0;list-style:none}
.mentions [role=option]{padding:6px 10px;border-radius:6px;cursor:pointer}
.mentions [role=option][aria-selected="true"]{background:#e1eaff}
.toasts{position:fixed;top:16px;left:50%;transform:translateX(-50%);display:flex;flex-direction:column;gap:8px;z-index:20}
.toast{background:#fff;border:1px solid #dee0e3;border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.15);padding:8px 16px;max-width:560px}
.toast.error{border-color:#f54a45;color:#d83931}
.toast.success{border-color:#34c724}
dialog{border:0;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.2);padding:20px;max-width:420px}
dialog h2{font-size:16px;margin:0 0 8px}
dialog .row{justify-content:flex-end;margin-top:16px}
.empty{color:#8f959e;text-align:center;margin-top:40px}
`;

export function pageHtml(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%233370ff'/%3E%3C/svg%3E">
<title>赛道助手 · 演练场 Saidao playground</title>
<style>${PAGE_CSS}${CARD_CSS}</style>
</head>
<body>
<div class="app">
  <aside class="sidebar">
    <div class="brand">赛道 Saidao · 演练场<small id="competition"></small></div>
    <div class="field"><label for="persona">身份 Persona</label><select id="persona"></select></div>
    <div class="field"><label for="lang">卡片语言 Card language</label>
      <select id="lang"><option value="zh_cn">中文</option><option value="en_us">English</option></select></div>
    <form class="field" id="clock-form">
      <label for="clock">时间 Time</label>
      <div class="row"><input type="datetime-local" id="clock" required><button class="btn primary" type="submit">前往 Go</button></div>
      <div class="now" id="now"></div>
    </form>
    <nav aria-label="会话 Chats"><ul class="chats" id="chats"></ul></nav>
    <details class="guide">
      <summary>怎么玩 How to play</summary>
      <ol>
        <li>时间设为 2024-03-20 09:30，以竞赛办身份在单位工作群输入 @ 选赛道助手，再 @ 联络员，写「绑定 … 浦东」。</li>
        <li>切换为联络员，在「赛道助手」里发「报名」，填表提交。</li>
        <li>时间前往 5 月，发「进展」报告；前往 11 月，评委发「评分」；过了评分截止，竞赛办发「发布」。</li>
        <li>Set the time, switch personas, and talk to the bot as each of them; 「帮助」 lists every command.</li>
      </ol>
    </details>
    <div class="row">
      <button class="btn" type="button" id="seed">生成演示数据 Demo data</button>
    </div>
    <details class="guide">
      <summary>添加身份 Add a person</summary>
      <form id="add-persona" class="row"><input id="new-persona" aria-label="姓名 Name" maxlength="20" required><button class="btn" type="submit">添加 Add</button></form>
    </details>
    <details class="guide">
      <summary>新建群 New group</summary>
      <form id="add-group" class="field">
        <input id="new-group" aria-label="群名称 Group name" maxlength="60" required placeholder="群名称 Group name">
        <select id="new-group-members" aria-label="群成员 Members" multiple size="5"></select>
        <button class="btn" type="submit">建群并拉入赛道助手 Create with the bot</button>
      </form>
    </details>
  </aside>
  <main>
    <div class="chat-title" id="chat-title"></div>
    <div class="log" id="log" role="log" aria-label="聊天记录 Conversation" aria-live="polite"></div>
    <form class="composer" id="composer">
      <ul class="mentions" id="mentions" role="listbox" aria-label="提及 Mention" hidden></ul>
      <div class="reply" id="reply" hidden><span id="reply-text"></span><button type="button" id="reply-cancel" aria-label="取消回复 Cancel reply">✕</button></div>
      <textarea id="message" aria-label="消息 Message" placeholder="发消息… 在群里输入 @ 提及他人或赛道助手（Enter 发送，Shift+Enter 换行）"></textarea>
      <div class="actions"><span class="tools"><button class="icon-btn" type="button" id="attach" aria-label="文件" title="📎 发送文件或图片 Send a file or an image"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/></svg></button><input type="file" id="attach-input" hidden><span id="hint"></span></span><button class="btn primary" type="submit">发送 Send</button></div>
    </form>
  </main>
</div>
<div class="toasts" id="toasts" role="status" aria-live="polite"></div>
<dialog id="confirm" aria-labelledby="confirm-title">
  <h2 id="confirm-title"></h2><p id="confirm-text"></p>
  <div class="row"><button class="btn" type="button" id="confirm-cancel">取消 Cancel</button><button class="btn primary" type="button" id="confirm-ok">确定 OK</button></div>
</dialog>
<script src="/playground/vchart.js"></script>
<script src="/playground/app.js"></script>
</body>
</html>`;
}
