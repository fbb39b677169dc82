import { Chat } from "./chat.js";
import { documentsDrawer } from "./documents-drawer.js";
import { showExamples, showLibrary } from "./library.js";
import { SourcePanel } from "./source-panel.js";

const sources = new SourcePanel();
const chat = new Chat(sources);
documentsDrawer(() => {
  sources.forgetDocuments();
  void showLibrary();
});
chat.focus();
void chat.restore();
void showLibrary();
void showExamples((question) => chat.askNow(question));
