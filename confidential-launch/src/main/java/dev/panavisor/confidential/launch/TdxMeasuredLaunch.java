package dev.panavisor.confidential.launch;

import dev.panavisor.confidential.LaunchMeasurementException;
import dev.panavisor.confidential.tdx.TdxMrtd;
import dev.panavisor.confidential.tdx.TdxPageOrder;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A TDX launch computed in software: MRTD as the TDX module builds it (TDH.MEM.PAGE.ADD for
 * every private page, TDH.MR.EXTEND for the measured ones), finalized as TDH.MR.FINALIZE would.
 *
 * <p>With {@link TdxPageOrder#PAGE_BY_PAGE} (current KVM) each page is added and extended
 * before the next. With {@link TdxPageOrder#ADD_ALL_THEN_EXTEND} (older KVM TDX patch sets)
 * a memory region is added whole and then extended; a region here is a run of consecutive
 * calls with contiguous GPAs and the same measuredness, which is how a VMM coalesces an IGVM
 * file's page directives into KVM_TDX_INIT_MEM_REGION calls. In that mode the contents of the
 * open region are kept until it closes, so they must stay valid until the next call or
 * {@link #finish}.
 *
 * <p>TDX vCPUs start in the architectural reset state; a VP context is an error.
 */
public final class TdxMeasuredLaunch implements LaunchContext {
    private record Piece(long gpa, long length, MemorySegment contents) {}

    private final LaunchSteps steps = new LaunchSteps("TDX measured launch", EnumSet.of(LaunchPlatform.TDX));
    private final TdxPageOrder order;
    private final TdxMrtd mrtd = new TdxMrtd();
    private final List<Piece> openRegion = new ArrayList<>();
    private boolean openRegionMeasured;
    private long openRegionEnd;

    public TdxMeasuredLaunch(TdxPageOrder order) {
        if (order == null) throw new NullPointerException("order");
        this.order = order;
    }

    /** With current KVM's page order. */
    public TdxMeasuredLaunch() {
        this(TdxPageOrder.PAGE_BY_PAGE);
    }

    @Override
    public void start(LaunchPlatform platform, long policy) {
        steps.start(platform);
    }

    @Override
    public void addPages(long gpa, long length, LaunchPageType type, MemorySegment contents) {
        steps.page(gpa, length, type, contents);
        boolean measure = switch (type) {
            case NORMAL, ZERO -> true;
            case UNMEASURED -> false;
            case SECRETS, CPUID -> throw new LaunchMeasurementException("TDX launch: " + type + " pages at 0x"
                    + Long.toHexString(gpa) + " exist only under SEV-SNP");
            case SHARED, REQUIRED -> {
                closeRegion();
                yield false;
            }
        };
        if (type == LaunchPageType.SHARED || type == LaunchPageType.REQUIRED) return;
        if (order == TdxPageOrder.PAGE_BY_PAGE) {
            mrtd.addRegion(gpa, length, contents, measure, order);
            return;
        }
        if (openRegion.isEmpty() || gpa != openRegionEnd || measure != openRegionMeasured) closeRegion();
        openRegion.add(new Piece(gpa, length, contents));
        openRegionMeasured = measure;
        openRegionEnd = gpa + length;
    }

    @Override
    public void addVpContext(int vpIndex, long gpa, MemorySegment context) {
        throw new LaunchMeasurementException("TDX launch: VP " + vpIndex
                + " has a VP context, but TDX vCPUs start in the architectural reset state");
    }

    @Override
    public LaunchMeasurement finish() {
        closeRegion();
        steps.finish();
        return new LaunchMeasurement(LaunchPlatform.TDX, mrtd.digest(), steps.pages(), 0);
    }

    private void closeRegion() {
        for (Piece p : openRegion) mrtd.addRegion(p.gpa(), p.length(), null, false, order);
        if (openRegionMeasured) {
            for (Piece p : openRegion) mrtd.extendRegion(p.gpa(), p.length(), p.contents());
        }
        openRegion.clear();
    }
}
