package dev.panavisor.firmware.igvm;

/** Headers of the directive section (types 0x301-0x400): the loader's commands, in order. */
public sealed interface DirectiveHeader extends KnownHeader
        permits ParameterArea, PageData, ParameterInsert, VpContext, RequiredMemory, ParameterUsage,
                SnpIdBlock, ErrorRange, VbsMeasurement {}
