package ai.backend.client.cli.commands;

import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin}: administrative passthroughs. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = AdminCommand.SUMMARY,
    subcommands = {AdminCommand.Query.class})
public final class AdminCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Administrative commands (GraphQL query passthrough).";

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required (query)");
  }

  /** {@code admin query}: GraphQL passthrough. */
  @Command(
      name = "query",
      mixinStandardHelpOptions = true,
      description = {
        "Send a GraphQL query to the API (/admin/gql or /admin/graphql, by server version)",
        "and print the JSON data.",
        "Example: backend.ai admin query 'query { keypair { access_key is_admin } }'"
      })
  public static final class Query implements Callable<Integer> {
    private final Cli cli;

    public Query(Cli cli) {
      this.cli = cli;
    }

    @Parameters(
        index = "0",
        paramLabel = "QUERY",
        description = "The GraphQL document, or @FILE to read it from a file, or - for stdin.")
    String query;

    @Option(
        names = "--var",
        paramLabel = "NAME=JSON",
        description =
            "A variable; the value is parsed as JSON when it is valid JSON, else taken as a string. Repeatable.")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(
        names = "--variables",
        paramLabel = "JSON",
        description = "All variables as one JSON object.")
    String variables;

    @Override
    public Integer call() throws IOException {
      String doc = query;
      if (doc.equals("-")) {
        doc = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } else if (doc.startsWith("@")) {
        doc = Files.readString(Path.of(doc.substring(1)), StandardCharsets.UTF_8);
      }
      JsonObject v = new JsonObject();
      if (variables != null) {
        try {
          v = JsonParser.parseString(variables).getAsJsonObject();
        } catch (JsonSyntaxException | IllegalStateException e) {
          throw new CliException(
              ExitCode.USAGE, "--variables must be a JSON object: " + e.getMessage());
        }
      }
      for (Map.Entry<String, String> e : vars.entrySet()) {
        v.add(e.getKey(), parseLenient(e.getValue()));
      }
      JsonElement data = graphql(cli, doc, v);
      if (cli.json()) {
        cli.printJson(data);
      } else {
        cli.term.out.println(new GsonBuilder()
            .setPrettyPrinting()
            .serializeNulls()
            .disableHtmlEscaping()
            .create()
            .toJson(data));
      }
      return 0;
    }

    static JsonElement parseLenient(String value) {
      try {
        return JsonParser.parseString(value);
      } catch (JsonSyntaxException e) {
        return new com.google.gson.JsonPrimitive(value);
      }
    }
  }

  /** Runs a GraphQL document through the SDK ({@code /admin/gql} or {@code /admin/graphql} by version). */
  public static JsonElement graphql(Cli cli, String query, JsonObject variables) {
    @SuppressWarnings("unchecked")
    Map<String, Object> vars =
        variables == null ? Map.of() : cli.gson().fromJson(variables, Map.class);
    Map<String, Object> data = cli.backend.session().admin().graphql(query, vars);
    return cli.gson().toJsonTree(data);
  }
}
