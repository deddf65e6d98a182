package dev.panavisor.confidential.igvm;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.firmware.igvm.IgvmFile;
import dev.panavisor.firmware.igvm.MemoryMapEntry;
import dev.panavisor.firmware.igvm.ParameterArea;
import dev.panavisor.firmware.igvm.ParameterUsage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loader's scratch copies of an IGVM file's parameter areas: declared with their initial
 * data, filled by parameter directives, and handed over (and forgotten) when inserted. What the
 * loader cannot supply is left zeroed and noted.
 */
final class ParameterAreas {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** IGVM environment info bit 0: all memory starts out host-visible, as under a VMM that does not pre-accept it. */
    private static final int MEMORY_IS_SHARED = 0x1;

    private final IgvmFile file;
    private final IgvmLaunchParameters parameters;
    private final Map<Long, MemorySegment> areas = new HashMap<>();
    private final List<String> notes = new ArrayList<>();

    ParameterAreas(IgvmFile file, IgvmLaunchParameters parameters) {
        this.file = file;
        this.parameters = parameters;
    }

    void declare(ParameterArea area) {
        if (area.numberOfBytes() > Integer.MAX_VALUE - 8) {
            throw new LaunchMeasurementException("IGVM parameter area " + area.parameterAreaIndex() + " of 0x"
                    + Long.toHexString(area.numberOfBytes()) + " bytes is too large to stage");
        }
        MemorySegment data = MemorySegment.ofArray(new byte[(int) area.numberOfBytes()]);
        file.parameterAreaContents(area).ifPresent(initial -> MemorySegment.copy(initial, 0, data, 0, initial.byteSize()));
        areas.put(area.parameterAreaIndex(), data);
    }

    void deposit(ParameterUsage usage) {
        MemorySegment area = areas.get(usage.parameterAreaIndex());
        if (area == null) return; // the validator guarantees a declared area; an inserted one is spent
        long at = usage.byteOffset();
        switch (usage.kind()) {
            case VP_COUNT -> put32(area, at, parameters.vcpus(), usage);
            case ENVIRONMENT_INFO -> put32(area, at, MEMORY_IS_SHARED, usage);
            case COMMAND_LINE -> {
                if (parameters.commandLine() == null) return;
                byte[] text = (parameters.commandLine() + "\0").getBytes(StandardCharsets.US_ASCII);
                requireRoom(area, at, text.length, usage);
                MemorySegment.copy(MemorySegment.ofArray(text), 0, area, at, text.length);
            }
            case MEMORY_MAP -> {
                List<MemoryMapEntry> map = parameters.memoryMap();
                if (map.isEmpty()) {
                    notes.add("memory map parameter (area " + usage.parameterAreaIndex() + ") left zeroed: no memory map given");
                    return;
                }
                requireRoom(area, at, (long) (map.size() + 1) * MemoryMapEntry.SIZE, usage);
                for (int i = 0; i < map.size(); i++) map.get(i).writeTo(area, at + (long) i * MemoryMapEntry.SIZE);
            }
            default -> notes.add(usage.kind() + " parameter (area " + usage.parameterAreaIndex()
                    + ") left zeroed: this loader does not generate it");
        }
    }

    /** The area's final contents, removed from the table: an index is spent once inserted. */
    MemorySegment take(long index) {
        MemorySegment area = areas.remove(index);
        if (area == null) {
            throw new LaunchMeasurementException("IGVM parameter insert names area " + index + ", which is not declared");
        }
        return area;
    }

    List<String> notes() {
        return notes;
    }

    private static void put32(MemorySegment area, long at, int value, ParameterUsage usage) {
        requireRoom(area, at, 4, usage);
        area.set(U32, at, value);
    }

    private static void requireRoom(MemorySegment area, long at, long bytes, ParameterUsage usage) {
        if (at < 0 || bytes > area.byteSize() - at) {
            throw new LaunchMeasurementException(String.format(
                    "IGVM %s parameter needs 0x%x bytes at +0x%x of area %d, which has 0x%x",
                    usage.kind(), bytes, at, usage.parameterAreaIndex(), area.byteSize()));
        }
    }
}
