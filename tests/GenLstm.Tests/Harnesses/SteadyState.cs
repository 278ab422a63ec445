using System;
using System.Threading;

namespace GenLstm.Tests;

/// <summary>Measures what a piece of model code allocates once the runtime has settled.</summary>
internal static class SteadyState
{
    /// <summary>
    /// The bytes the current thread allocates in one call of <paramref name="run"/>, in steady state: the run is
    /// repeated (at most <paramref name="rounds"/> times, pausing so that background tiering can finish) until one
    /// round allocates nothing, and the last round's figure is returned. The runtime's own lazy work (the first call
    /// of a method, tier-up, on-stack replacement, a generic dispatch cache; CI runs measured 2 to 4 KB of it, once)
    /// happens in the first rounds only; an allocation in the model's code happens in every round and is returned.
    /// </summary>
    public static long AllocatedBytes(Action run, int rounds = 6)
    {
        run();
        long allocated = 0;
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
            Thread.Sleep(200);
        }
        return allocated;
    }
}
