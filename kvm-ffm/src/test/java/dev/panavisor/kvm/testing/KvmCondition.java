package dev.panavisor.kvm.testing;

import dev.panavisor.kvm.Kvm;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresKvm}. The skip message is what .ci/run looks for. */
public final class KvmCondition implements ExecutionCondition {
    public static final String SKIP_MESSAGE = "needs KVM: /dev/kvm is missing or not accessible";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Kvm.available()) return ConditionEvaluationResult.enabled("/dev/kvm is available");
        if (Boolean.getBoolean("panavisor.requireKvm")) {
            return ConditionEvaluationResult.enabled("KVM is required by this run; the test will fail without it");
        }
        return ConditionEvaluationResult.disabled(SKIP_MESSAGE);
    }
}
