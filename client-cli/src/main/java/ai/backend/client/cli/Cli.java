package ai.backend.client.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Per-invocation context shared by the commands: terminal, global options, lazily opened backend. */
public final class Cli {
  /** {@code --output}. */
  public enum Output {
    table,
    json
  }

  public final Term term;
  public final Backend backend;
  public final String name;
  Output output = Output.table;
  boolean verbose;
  private Gson gson;
  private CommandFactory factory;

  Cli(Term term, String name) {
    this.term = term;
    this.backend = new Backend(term);
    this.name = name;
  }

  public boolean json() {
    return output == Output.json;
  }

  public boolean verbose() {
    return verbose;
  }

  public void setOutput(Output output) {
    this.output = output;
  }

  public void setVerbose(boolean verbose) {
    this.verbose = verbose;
  }

  /** picocli's factory for this invocation: it hands this context to the commands it creates. */
  public synchronized CommandLine.IFactory factory() {
    if (factory == null) {
      factory = new CommandFactory(this);
    }
    return factory;
  }

  public Gson gson() {
    if (gson == null) {
      gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    }
    return gson;
  }

  /** One JSON document (or one NDJSON line) on stdout. */
  public void printJson(Object value) {
    term.out.println(gson().toJson(value));
    term.out.flush();
  }

  /** A table in the "simple" style of tabulate (headers, dashes, left-aligned columns). */
  public void printTable(List<String> headers, List<List<String>> rows) {
    int n = headers.size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = headers.get(i).length();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < n; i++) {
        w[i] = Math.max(w[i], cell(r, i).length());
      }
    }
    List<String> dashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dashes.add("-".repeat(w[i]));
    }
    term.out.println(row(headers, w));
    term.out.println(row(dashes, w));
    for (List<String> r : rows) {
      term.out.println(row(r, w));
    }
    term.out.flush();
  }

  private static String cell(List<String> r, int i) {
    String s = i < r.size() ? r.get(i) : null;
    return s == null ? "" : s;
  }

  private static String row(List<String> r, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      String c = cell(r, i);
      sb.append(c);
      if (i < w.length - 1) {
        sb.append(" ".repeat(w[i] - c.length() + 2));
      }
    }
    return sb.toString().stripTrailing();
  }
}
