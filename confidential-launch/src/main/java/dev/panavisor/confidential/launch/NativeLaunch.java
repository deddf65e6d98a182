package dev.panavisor.confidential.launch;

import dev.panavisor.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A launch without isolation: pages are written into guest RAM (contents, then zeros to the end
 * of the range; every type without contents is zeroed) and VP contexts are kept for the VMM to
 * load into its vCPUs. Nothing is measured. Guest memory is reached only through
 * {@link GuestMemory}, so a range outside RAM fails with its bounds error.
 */
public final class NativeLaunch implements LaunchContext {
    private final LaunchSteps steps = new LaunchSteps("native launch", EnumSet.of(LaunchPlatform.NATIVE));
    private final GuestMemory memory;
    private final Map<Integer, MemorySegment> vpContexts = new TreeMap<>();

    public NativeLaunch(GuestMemory memory) {
        if (memory == null) throw new NullPointerException("memory");
        this.memory = memory;
    }

    @Override
    public void start(LaunchPlatform platform, long policy) {
        steps.start(platform);
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        steps.page(gpa, length, type, contents);
        if (!memory.isValid(gpa, length)) {
            throw new IllegalArgumentException(String.format("native launch: %s pages at 0x%x, 0x%x bytes, lie outside guest memory",
                    type, gpa, length));
        }
        long written = contents == null ? 0 : contents.byteSize();
        if (written > 0) memory.write(gpa, contents);
        if (written < length) memory.fill(gpa + written, length - written, (byte) 0);
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
        steps.vpContext(vpIndex, context);
        vpContexts.put(vpIndex, MemorySegment.ofArray(context.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    @Override
    public LaunchMeasurement finish() {
        steps.finish();
        return LaunchMeasurement.unmeasured(steps.pages(), steps.vpContexts());
    }

    /** The context given for {@code vpIndex}, a private copy; empty if none was given. */
    public Optional<MemorySegment> vpContext(int vpIndex) {
        return Optional.ofNullable(vpContexts.get(vpIndex)).map(MemorySegment::asReadOnly);
    }
}
