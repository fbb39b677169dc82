import { Chat } from "./chat.js";
import { showExamples, showLibrary } from "./library.js";
import { SourcePanel } from "./source-panel.js";

const chat = new Chat(new SourcePanel());
chat.focus();
void chat.restore();
void showLibrary();
void showExamples((question) => chat.askNow(question));
