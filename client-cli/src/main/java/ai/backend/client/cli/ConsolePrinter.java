package ai.backend.client.cli;

import ai.backend.client.ConsoleItem;
import ai.backend.client.ConsoleListener;

/** Prints console items as they arrive: stdout/stderr as produced, other records as labelled blocks. */
public final class ConsolePrinter implements ConsoleListener {
  private final Term term;

  public ConsolePrinter(Term term) {
    this.term = term;
  }

  @Override
  public void onItem(ConsoleItem item) {
    if (item instanceof ConsoleItem.Stdout s) {
      term.clearWait();
      term.out.print(s.text());
      term.out.flush();
    } else if (item instanceof ConsoleItem.Stderr s) {
      term.clearWait();
      term.out.flush();
      term.err.print(s.text());
      term.err.flush();
    } else {
      term.clearWait();
      String body;
      if (item instanceof ConsoleItem.Media m) {
        body = m.mimeType() + "\n" + m.data();
      } else if (item instanceof ConsoleItem.Html h) {
        body = h.html();
      } else if (item instanceof ConsoleItem.Log l) {
        body = String.valueOf(l.value());
      } else if (item instanceof ConsoleItem.Other o) {
        body = String.valueOf(o.value());
      } else {
        body = item.toString();
      }
      term.out.println("----- output record (type: " + item.type() + ") -----");
      term.out.println(body);
      term.out.println("----- end of record -----");
      term.out.flush();
    }
  }
}
