"""Words the packs give for printing are words for the public, never notes about the sources."""


def test_no_printed_material_note_speaks_of_the_source_file():
    # a material's note is printed in the 一次性告知单's 要求 column: words for the public only
    from desktop.policy import loader

    for pack in loader.bundled().packs:
        for item in pack.materials:
            for variant in item.variants:
                for material in variant.materials:
                    assert "源文件" not in (material.note or ""), (pack.pack.title, item.item, material.name)
