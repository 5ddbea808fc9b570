using System.Runtime.InteropServices;
using Warden.Server.Hosting;

namespace Warden.Server.Tests.Hosting;

public sealed class ReceiveBlockPoolTests
{
    [Fact]
    public void Rent_gives_a_whole_block_whatever_the_size_asked()
    {
        using var pool = new ReceiveBlockPool();
        using var small = pool.Rent(100);
        using var any = pool.Rent();

        Assert.Equal(ReceiveBlockPool.BlockSize, pool.MaxBufferSize);
        Assert.Equal(ReceiveBlockPool.BlockSize, small.Memory.Length);
        Assert.Equal(ReceiveBlockPool.BlockSize, any.Memory.Length);
    }

    [Fact]
    public void A_returned_block_is_rented_again_instead_of_a_new_one()
    {
        using var pool = new ReceiveBlockPool();
        var first = pool.Rent(4096);
        var array = Array(first);
        first.Dispose();

        using var second = pool.Rent(4096);

        Assert.Same(array, Array(second));
    }

    [Fact]
    public void Blocks_rented_at_the_same_time_do_not_share_memory()
    {
        using var pool = new ReceiveBlockPool();
        using var a = pool.Rent();
        using var b = pool.Rent();

        Assert.NotSame(Array(a), Array(b));
    }

    [Fact]
    public void More_than_a_block_is_refused()
    {
        using var pool = new ReceiveBlockPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(ReceiveBlockPool.BlockSize + 1));
    }

    [Fact]
    public void Past_the_retention_cap_returned_blocks_are_not_kept()
    {
        using var pool = new ReceiveBlockPool();
        var rented = Enumerable.Range(0, ReceiveBlockPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();
        var arrays = rented.Select(Array).ToHashSet();
        foreach (var block in rented)
        {
            block.Dispose();
        }

        var again = Enumerable.Range(0, ReceiveBlockPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();

        Assert.Equal(ReceiveBlockPool.MaxRetainedBlocks, again.Count(b => arrays.Contains(Array(b))));
    }

    private static byte[] Array(System.Buffers.IMemoryOwner<byte> block) =>
        MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
