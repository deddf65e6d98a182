package dev.panavisor.devices.serial;

/**
 * The receive side's storage: a 16-byte FIFO in FIFO mode, a single holding register
 * (the RBR) in 16450 mode. Overrun rules differ between the two, as in the datasheet's
 * description of LSR bit 1, so they live here. Not thread-safe: {@link Uart16550} guards it.
 */
final class ReceiverFifo {
    static final int DEPTH = 16; // a power of two, so indices wrap with a mask

    private final byte[] slots = new byte[DEPTH];
    private int head;
    private int count;
    private int capacity = 1;
    private int lastRead; // what the RBR still holds after the FIFO drains

    /** Switches between FIFO and 16450 mode; the datasheet clears the FIFO on every switch. */
    void setFifoMode(boolean fifo) {
        capacity = fifo ? DEPTH : 1;
        clear();
    }

    /** Empties the FIFO (FCR bit 1). The character being received is not affected. */
    void clear() {
        head = 0;
        count = 0;
    }

    int count() { return count; }

    boolean isEmpty() { return count == 0; }

    /** How many more characters fit before the next one overruns. */
    int space() { return capacity - count; }

    /**
     * Stores a character that has just been assembled by the receiver. Returns false on
     * overrun: in FIFO mode the new character is lost and the FIFO kept; in 16450 mode the new
     * character overwrites the unread one ("thereby destroying the previous character").
     */
    boolean push(int ch) {
        if (count < capacity) {
            slots[(head + count) & (DEPTH - 1)] = (byte) ch;
            count++;
            return true;
        }
        if (capacity == 1) slots[head] = (byte) ch;
        return false;
    }

    /** Reads the RBR: the oldest character, or the last one read again if the FIFO is empty. */
    int pop() {
        if (count > 0) {
            lastRead = slots[head] & 0xFF;
            head = (head + 1) & (DEPTH - 1);
            count--;
        }
        return lastRead;
    }
}
