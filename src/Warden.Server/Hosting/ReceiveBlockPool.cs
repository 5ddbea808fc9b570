using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Warden.Server.Hosting;

/// <summary>
/// Kestrel's memory pool with 64 KiB blocks in place of its 4 KiB ones. The socket transport receives into one block at a
/// time, so a 602 KB binary tensor (a 224x224 FP32 image) took ~150 <c>recv</c> calls and as many pipe flushes, each able
/// to wake the request's reader; with 64 KiB blocks it takes ~10. Blocks live on the pinned object heap (the socket reads
/// into them while the request runs) and are reused; past <see cref="MaxRetainedBlocks"/> free ones, returned blocks are
/// left to the GC.
/// </summary>
internal sealed class ReceiveBlockPool : MemoryPool<byte>
{
    /// <summary>Bytes per block: loopback's MSS is ~64 KiB, and a large body arrives in segments of that size.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse (16 MiB): enough for every connection busy at once on a small server.</summary>
    public const int MaxRetainedBlocks = 256;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            return block;
        }

        return new Block(this);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= MaxRetainedBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    /// <summary>The transport's factory: one pool per I/O queue, as Kestrel's own.</summary>
    internal sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new ReceiveBlockPool();
    }

    private sealed class Block(ReceiveBlockPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }
}
