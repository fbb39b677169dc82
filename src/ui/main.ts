import { Chat } from "./chat.js";
import { openCitedLink } from "./cited-link.js";
import { documentsDrawer } from "./documents-drawer.js";
import { forgetDocumentFacts, showExamples, showLibrary, showLibraryWaiting } from "./library.js";
import { whenReady } from "./readiness.js";
import { SourcePanel } from "./source-panel.js";

const sources = new SourcePanel();
const chat = new Chat(sources);
documentsDrawer(() => {
  sources.forgetDocuments();
  forgetDocumentFacts();
  void showLibrary();
});
chat.focus();
void chat.restore();
// The list and the examples come from the index: they are asked for once it is ready, without a reload.
void whenReady((line) => {
  chat.wait(line);
  showLibraryWaiting(line);
}).then(() => {
  chat.ready();
  void showLibrary();
  void showExamples((question) => chat.askNow(question));
  void openCitedLink(sources, document.getElementById("question") ?? document.body);
});
