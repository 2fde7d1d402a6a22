package ai.backend.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test (or every test of the class) needs these toolchains: it is skipped where one is absent,
 * with a reason naming the Debian package, and runs everywhere else. Only for optional toolchains;
 * anything else a test needs must be there, or the test fails.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ToolchainCondition.class)
public @interface RequiresToolchain {
  /** The toolchains needed. */
  Toolchain[] value();
}
