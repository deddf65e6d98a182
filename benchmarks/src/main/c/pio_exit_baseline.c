/*
 * Baseline for PioExitBenchmark: the same real-mode guest, driven with raw KVM ioctls
 * and nothing else, so the difference to the Java score is what Panavisor's run loop
 * (FFM downcall, exit decode, IoBus dispatch) adds on top of the kernel's round trip.
 *
 * Usage: pio_exit_baseline [exits]   prints one line: ns per exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE (2u << 20)
#define LOAD 0x10000u
#define PORT 0x600

/* mov dx,0x600; mov al,1; L: out dx,al; jmp L — the bytes PioExitBenchmark loads. */
static const uint8_t out_forever[] = {0xba, 0x00, 0x06, 0xb0, 0x01, 0xee, 0xeb, 0xfd};

static void die(const char *what) {
    fprintf(stderr, "pio_exit_baseline: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void real_mode_segment(struct kvm_segment *s, uint16_t selector, uint8_t type) {
    memset(s, 0, sizeof *s);
    s->selector = selector;
    s->base = (uint64_t)selector << 4;
    s->limit = 0xffff;
    s->type = type;
    s->present = 1;
    s->s = 1;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The "device": what the Java side's counter does, kept volatile so it is not optimised away. */
static volatile uint64_t writes;
static volatile uint8_t last_value;

/* Runs until `n` port writes to PORT have been handled; any other exit is a failure. */
static void run_exits(int vcpu, struct kvm_run *run, uint64_t n) {
    for (uint64_t i = 0; i < n;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            die("KVM_RUN");
        }
        if (run->exit_reason != KVM_EXIT_IO || run->io.port != PORT || run->io.direction != KVM_EXIT_IO_OUT) {
            fprintf(stderr, "pio_exit_baseline: unexpected exit %u\n", run->exit_reason);
            exit(1);
        }
        last_value = *((uint8_t *)run + run->io.data_offset);
        writes = writes + 1;
        i++;
    }
}

int main(int argc, char **argv) {
    uint64_t exits = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;

    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("open /dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) die("KVM_CREATE_VM");

    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) die("mmap guest RAM");
    memcpy(ram + LOAD, out_forever, sizeof out_forever);
    struct kvm_userspace_memory_region slot = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE, .userspace_addr = (uint64_t)(uintptr_t)ram,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0) die("KVM_SET_USER_MEMORY_REGION");

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) die("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < 0) die("KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) die("mmap kvm_run");

    /* Real mode at CS=0x1000, IP=0, as RealModeEntry sets it up for the Java side. */
    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) die("KVM_GET_SREGS");
    real_mode_segment(&sregs.cs, LOAD >> 4, 0xb);
    real_mode_segment(&sregs.ds, 0, 0x3);
    real_mode_segment(&sregs.es, 0, 0x3);
    real_mode_segment(&sregs.fs, 0, 0x3);
    real_mode_segment(&sregs.gs, 0, 0x3);
    real_mode_segment(&sregs.ss, 0, 0x3);
    sregs.cr0 = 0x60000010;
    sregs.cr3 = 0;
    sregs.cr4 = 0;
    sregs.efer = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) die("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = 0, .rflags = 0x2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) die("KVM_SET_REGS");

    /* Warm up caches and the kernel's paths before timing, like JMH's warm-up iterations. */
    run_exits(vcpu, run, exits / 10 + 1);
    uint64_t start = now_ns();
    run_exits(vcpu, run, exits);
    uint64_t elapsed = now_ns() - start;

    printf("%.1f\n", (double)elapsed / (double)exits);
    return 0;
}
