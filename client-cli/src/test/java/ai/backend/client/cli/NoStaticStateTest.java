package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The commands get their context from the invocation (constructor injection), never from a static:
 * no class of the CLI has a static field that is not final.
 */
class NoStaticStateTest {
  @Test
  void noClassOfTheCliHasAStaticNonFinalField() throws Exception {
    Path classes =
        Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(classes.resolve("ai/backend/client/cli")), classes.toString());
    List<String> found = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(classes.resolve("ai/backend/client/cli"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name =
            classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, Main.class.getClassLoader());
        checked++;
        for (Field f : c.getDeclaredFields()) {
          int m = f.getModifiers();
          if (Modifier.isStatic(m) && !Modifier.isFinal(m) && !f.isSynthetic()) {
            found.add(name + "." + f.getName());
          }
        }
      }
    }
    assertTrue(checked > 30, "classes checked: " + checked);
    assertEquals(List.of(), found);
  }
}
