// The bundle's entry: registers <live-chat> and exports nothing, so the
// script adds no global to the host page.
import './live-chat.js';
