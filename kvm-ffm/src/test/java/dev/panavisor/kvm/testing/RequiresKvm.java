package dev.panavisor.kvm.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks tests that need /dev/kvm. They are skipped where KVM is missing, unless the
 * run sets {@code -Dpanavisor.requireKvm=true} (as .ci/run does on hosts with /dev/kvm),
 * in which case they run and fail loudly instead of silently skipping.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("kvm")
@ExtendWith(KvmCondition.class)
public @interface RequiresKvm {
}
