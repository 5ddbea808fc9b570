// Linked into the Native AOT warden-edge executable (a NativeLibrary item of Warden.Edge.Host.csproj: the AOT link step's
// clang compiles it with the target's own --target and --sysroot, so the linux-arm64 cross-publish builds it too).
//
// A constructor, run by the dynamic loader before the .NET runtime starts, prepares the C library's main heap for the
// start-up's allocations: most of them (the runtime's own, then ONNX Runtime's environment and first sessions: tens of
// thousands of small blocks, ~10 MB) come from the main thread's heap. It asks for that heap to grow by at least 64 MB
// at a time (mallopt M_TOP_PAD: address space only, pages are used as they are touched) and, for the first 64 MB, for
// transparent huge pages (madvise MADV_HUGEPAGE, what glibc's own glibc.malloc.hugetlb=1 tunable does): the kernel then
// maps that memory 2 MB at a time instead of one 4 KiB page per fault. On the 2 vCPU build machine (a VM, where a page
// fault is expensive) that took ONNX Runtime's start-up from ~52 to ~30 ms and the agent's exec -> ready by ~30 ms
// (docs/benchmarks.md, native agent). It changes no behaviour: with transparent huge pages set to "never" the advice is
// ignored, and the memory the agent uses in steady state is the same within the 2 MB rounding of its heap.
//
// It also maps, in one call, the executable's zero-initialised data (.bss and .hydrated: ~4 MB into which the runtime
// expands its dehydrated data before Main), which the runtime's start otherwise touches one 4 KiB page fault at a time
// (~1,000 faults, the largest group left after the heap's).
// WARDEN_EDGE_HUGE_HEAP=0 in the agent's environment turns both off.
#define _GNU_SOURCE
#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 // Linux 5.14; older kernels refuse it (EINVAL) and the pages fault in as before
#endif

// dl_iterate_phdr's first object is the executable: populate the zero-initialised part of its writable segment.
static int populate_zero_data(struct dl_phdr_info *info, size_t size, void *page_size)
{
    (void)size;
    uintptr_t page = *(uintptr_t *)page_size;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        if (header->p_type == PT_LOAD && (header->p_flags & PF_W) != 0 && header->p_memsz > header->p_filesz)
        {
            uintptr_t start = (info->dlpi_addr + header->p_vaddr + header->p_filesz + page - 1) & ~(page - 1);
            uintptr_t end = (info->dlpi_addr + header->p_vaddr + header->p_memsz + page - 1) & ~(page - 1);
            if (end > start)
            {
                madvise((void *)start, end - start, MADV_POPULATE_WRITE);
            }
        }
    }

    return 1;
}

__attribute__((constructor)) static void prepare_main_heap(void)
{
    const char *off = getenv("WARDEN_EDGE_HUGE_HEAP");
    if (off != NULL && strcmp(off, "0") == 0)
    {
        return;
    }

    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    dl_iterate_phdr(populate_zero_data, &page);
    if (mallopt(M_TOP_PAD, 64 << 20) != 1)
    {
        return;
    }

    // The first allocation on the main thread creates (or extends) the main heap by the pad; advise what it mapped.
    void *block = malloc(64);
    if (block == NULL)
    {
        return;
    }

    uintptr_t start = ((uintptr_t)block + page - 1) & ~(page - 1);
    uintptr_t end = (uintptr_t)sbrk(0) & ~(page - 1);
    if (end > start)
    {
        madvise((void *)start, end - start, MADV_HUGEPAGE);
    }

    free(block);
}
