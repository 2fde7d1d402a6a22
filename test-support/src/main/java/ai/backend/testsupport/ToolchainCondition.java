package ai.backend.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresToolchain}: disabled, with the reason, where a toolchain is absent. */
public final class ToolchainCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<RequiresToolchain> a = context
        .getElement()
        .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresToolchain.class));
    if (a.isEmpty()) {
      return ConditionEvaluationResult.enabled("no toolchain required");
    }
    List<String> missing = new ArrayList<>();
    for (Toolchain t : a.get().value()) {
      if (!t.installed()) {
        missing.add(t.reason());
      }
    }
    return missing.isEmpty()
        ? ConditionEvaluationResult.enabled("toolchains installed")
        : ConditionEvaluationResult.disabled(String.join("; ", missing));
  }
}
