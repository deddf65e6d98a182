package dev.panavisor.firmware.igvm;

import java.util.HashMap;
import java.util.Map;

/**
 * Life cycle of parameter areas: declared once, then filled by parameter headers, then inserted
 * into the guest exactly once, after which the index is spent.
 */
final class ParameterAreaTracker {
    private enum State { DECLARED, INSERTED }

    private record Area(ParameterArea header, State state) {}

    private final Map<Long, Area> areas = new HashMap<>();

    void declare(ParameterArea area, Site site) throws IgvmFormatException {
        if (areas.containsKey(area.parameterAreaIndex())) {
            throw site.violation(IgvmRule.PARAMETER_AREA_INDEX, "area %d declared twice", area.parameterAreaIndex());
        }
        areas.put(area.parameterAreaIndex(), new Area(area, State.DECLARED));
    }

    void use(ParameterUsage usage, Site site) throws IgvmFormatException {
        ParameterArea area = declared(usage.parameterAreaIndex(), usage.kind().toString(), site);
        long size = area.numberOfBytes();
        long needed = Math.max(1, usage.kind().fixedSize());
        // Both operands are below 2^33, so the sum is exact; the area size is a u64 and compares unsigned.
        if (Long.compareUnsigned(usage.byteOffset() + needed, size) > 0) {
            throw site.violation(IgvmRule.PARAMETER_OUT_OF_AREA, "%s needs %d bytes at offset 0x%x of a 0x%s-byte area",
                    usage.kind(), needed, usage.byteOffset(), Long.toHexString(size));
        }
    }

    ParameterArea insert(ParameterInsert insert, Site site) throws IgvmFormatException {
        ParameterArea area = declared(insert.parameterAreaIndex(), "insert", site);
        areas.put(insert.parameterAreaIndex(), new Area(area, State.INSERTED));
        return area;
    }

    private ParameterArea declared(long index, String user, Site site) throws IgvmFormatException {
        Area area = areas.get(index);
        if (area == null) {
            throw site.violation(IgvmRule.PARAMETER_AREA_INDEX, "%s refers to undeclared area %d", user, index);
        }
        if (area.state() == State.INSERTED) {
            throw site.violation(IgvmRule.PARAMETER_AREA_INDEX, "%s refers to area %d, already inserted", user, index);
        }
        return area.header();
    }
}
