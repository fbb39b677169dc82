import { Chat } from "./chat.js";
import { showLibrary } from "./library.js";
import { SourcePanel } from "./source-panel.js";

const chat = new Chat(new SourcePanel());
chat.focus();
void showLibrary();
