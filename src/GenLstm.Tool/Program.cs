using System.CommandLine;
using GenLstm.Keras;
using GenLstm.Tool;

// genlstm: inspect, convert, check and run LSTM and GRU weight files. Exit codes: see ExitCode (and the README). The commands: CommandLine.
KerasHdf5.Register();
return CommandLine.Build().Parse(args).Invoke();
