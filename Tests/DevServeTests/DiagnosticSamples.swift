// Build output of real tools, captured verbatim (stdout and stderr together, `2>&1`, not a
// terminal), in tiny broken projects made for the purpose under /tmp/diag (hugo/, sass/, mkdocs/,
// jekyll/, rs/, go/, and moved.rs), on Debian 12 with each tool from Debian's own package.
// Escape characters are written `\#u{1B}`, tabs `\#t`, and a space that ends a line `\#u{20}`;
// every sample ends with the newline the tool printed.

/// Real build output for `DiagnosticParserTests`.
enum DiagnosticSamples {
    /// Hugo 0.111.3+extended (Debian hugo 0.111.3-1): `hugo` in a site whose
    /// layouts/_default/single.html calls an undefined function on line 9.
    static let hugoParseFailed = #"""
        Error: add site dependencies: load resources: loading templates: "/tmp/diag/hugo/layouts/_default/single.html:9:1": parse failed: template: _default/single.html:9: function "nosuchfunc" not defined
        Total in 8 ms

        """#

    /// Hugo 0.111.3+extended: `hugo` with `{{ .Title.Foo }}` on line 9 of
    /// layouts/_default/single.html (and no home or taxonomy layouts: the WARN lines).
    static let hugoExecuteFailed = #"""
        Start building sites …\#u{20}
        hugo v0.111.3+extended linux/amd64 BuildDate=2023-03-16T08:41:31Z VendorInfo=debian:0.111.3-1
        WARN 2026/12/02 06:41:42 found no layout file for "HTML" for kind "home": You should create a template file which matches Hugo Layouts Lookup Rules for this combination.
        WARN 2026/12/02 06:41:42 found no layout file for "HTML" for kind "taxonomy": You should create a template file which matches Hugo Layouts Lookup Rules for this combination.
        WARN 2026/12/02 06:41:42 found no layout file for "HTML" for kind "taxonomy": You should create a template file which matches Hugo Layouts Lookup Rules for this combination.
        Error: Error building site: failed to render pages: render of "page" failed: "/tmp/diag/hugo/layouts/_default/single.html:9:9": execute of template failed: template: _default/single.html:9:9: executing "_default/single.html" at <.Title.Foo>: can't evaluate field Foo in type string
        Total in 13 ms

        """#

    /// Hugo 0.111.3+extended: `hugo` with an undefined variable on line 6 of
    /// assets/css/main.scss, piped through `resources.Get | toCSS` (Hugo's libsass).
    static let hugoSass = #"""
        Start building sites …\#u{20}
        hugo v0.111.3+extended linux/amd64 BuildDate=2023-03-16T08:41:31Z VendorInfo=debian:0.111.3-1
        WARN 2026/12/02 06:44:05 found no layout file for "HTML" for kind "home": You should create a template file which matches Hugo Layouts Lookup Rules for this combination.
        WARN 2026/12/02 06:44:05 found no layout file for "HTML" for kind "taxonomy": You should create a template file which matches Hugo Layouts Lookup Rules for this combination.
        WARN 2026/12/02 06:44:05 found no layout file for "HTML" for kind "taxonomy": You should create a template file which matches Hugo Layouts Lookup Rules for this combination.
        Error: Error building site: TOCSS: failed to transform "css/main.scss" (text/x-scss): "/tmp/diag/hugo/assets/css/main.scss:6:10": Undefined variable: "$nope".
        Total in 17 ms

        """#

    /// sassc 3.6.1 with libsass 3.6.5 (Debian sassc 3.6.1+20201027-2+b1), from the project folder:
    /// `sassc css/app.scss out.css` with an undefined variable on line 5.
    static let sassc = #"""
        Error: Undefined variable: "$nope".
                on line 5:10 of css/app.scss
        >>   color: $nope;

           ---------^

        """#

    /// sassc (as above): `sassc css/warn.scss` with `@warn "old mixin";` on line 1.
    static let sasscWarning = #"""
        WARNING: old mixin
                 on line 1:7 of css/warn.scss

        body {
          color: red; }

        """#

    /// sassc (as above): `sassc css/imp.scss`, which imports `_partial.scss` on line 5; the
    /// partial uses an undefined variable on line 2.
    static let sasscImport = #"""
        Error: Undefined variable: "$undefined".
                on line 2:6 of css/_partial.scss
                from line 5:9 of css/imp.scss
        >>   y: $undefined;

           -----^

        """#

    /// mkdocs 1.4.2 on Python 3.11 (Debian mkdocs 1.4.2+dfsg-2): `mkdocs build` with a hook
    /// (hooks.py) whose line 3 uses an undefined name.
    static let mkdocs = #"""
        INFO     -  Cleaning site directory
        INFO     -  Building documentation to directory: /tmp/diag/mkdocs/site
        \#u{1B}[31mERROR    -  \#u{1B}[0mError reading page 'index.md': name 'undefined_name' is not defined
        Traceback (most recent call last):
          File "/usr/bin/mkdocs", line 6, in <module>
            cli()
          File "/usr/lib/python3/dist-packages/click/core.py", line 1130, in __call__
            return self.main(*args, **kwargs)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 1055, in main
            rv = self.invoke(ctx)
                 ^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 1657, in invoke
            return _process_result(sub_ctx.command.invoke(sub_ctx))
                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 1404, in invoke
            return ctx.invoke(self.callback, **ctx.params)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 760, in invoke
            return __callback(*args, **kwargs)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/__main__.py", line 250, in build_command
            build.build(cfg, dirty=not clean)
          File "/usr/lib/python3/dist-packages/mkdocs/commands/build.py", line 308, in build
            _populate_page(file.page, config, files, dirty)
          File "/usr/lib/python3/dist-packages/mkdocs/commands/build.py", line 177, in _populate_page
            page.markdown = config.plugins.run_event(
                            ^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/plugins.py", line 520, in run_event
            result = method(item, **kwargs)
                     ^^^^^^^^^^^^^^^^^^^^^^
          File "/tmp/diag/mkdocs/hooks.py", line 3, in on_page_markdown
            return markdown + undefined_name
                              ^^^^^^^^^^^^^^
        NameError: name 'undefined_name' is not defined

        """#

    /// mkdocs 1.4.2 on Python 3.11: `mkdocs build` with a syntax error on line 3 of hooks.py
    /// (the innermost frame has no `, in …`, and importlib's frames are `<frozen …>`).
    static let mkdocsSyntaxError = #"""
        Traceback (most recent call last):
          File "/usr/bin/mkdocs", line 6, in <module>
            cli()
          File "/usr/lib/python3/dist-packages/click/core.py", line 1130, in __call__
            return self.main(*args, **kwargs)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 1055, in main
            rv = self.invoke(ctx)
                 ^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 1657, in invoke
            return _process_result(sub_ctx.command.invoke(sub_ctx))
                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 1404, in invoke
            return ctx.invoke(self.callback, **ctx.params)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/click/core.py", line 760, in invoke
            return __callback(*args, **kwargs)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/__main__.py", line 247, in build_command
            cfg = config.load_config(**kwargs)
                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/config/base.py", line 363, in load_config
            errors, warnings = cfg.validate()
                               ^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/config/base.py", line 228, in validate
            run_failed, run_warnings = self._validate()
                                       ^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/config/base.py", line 186, in _validate
            self[key] = config_option.validate(value)
                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/config/base.py", line 55, in validate
            return self.run_validation(value)
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/config/config_options.py", line 1048, in run_validation
            hooks[name] = self._load_hook(name, path)
                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^
          File "/usr/lib/python3/dist-packages/mkdocs/config/config_options.py", line 1061, in _load_hook
            spec.loader.exec_module(module)
          File "<frozen importlib._bootstrap_external>", line 936, in exec_module
          File "<frozen importlib._bootstrap_external>", line 1074, in get_code
          File "<frozen importlib._bootstrap_external>", line 1004, in source_to_code
          File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed
          File "/tmp/diag/mkdocs/hooks.py", line 3
            return markdown +
                             ^
        SyntaxError: invalid syntax

        """#

    /// Jekyll 4.3.1 with Liquid 5.4.0 (Debian jekyll 4.3.1+dfsg-3+deb12u1): `jekyll build`
    /// with an `{% if %}` never closed in about.md.
    static let jekyllUnclosedTag = #"""
        Configuration file: /tmp/diag/jekyll/_config.yml
                    Source: /tmp/diag/jekyll
               Destination: /tmp/diag/jekyll/_site
         Incremental build: disabled. Enable with --incremental
              Generating...\#u{20}
        \#u{1B}[31m  Liquid Exception: Liquid syntax error (line 5): 'if' tag was never closed in about.md\#u{1B}[0m
        \#u{1B}[31m                    ------------------------------------------------\#u{1B}[0m
        \#u{1B}[31m      Jekyll 4.3.1   Please append `--trace` to the `build` command \#u{1B}[0m
        \#u{1B}[31m                     for any additional information or backtrace. \#u{1B}[0m
        \#u{1B}[31m                    ------------------------------------------------\#u{1B}[0m
        /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block.rb:52:in `raise_tag_never_closed': Liquid syntax error (line 5): 'if' tag was never closed (Liquid::SyntaxError)
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block.rb:81:in `block in parse_body'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:158:in `parse_for_document'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:29:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block.rb:77:in `parse_body'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/tags/if.rb:34:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/tag.rb:12:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:140:in `parse_for_document'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:29:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:55:in `parse_body'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:23:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:7:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/template.rb:111:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/template.rb:97:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:13:in `block in parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:70:in `measure_time'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:12:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:124:in `render_liquid'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:80:in `render_document'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:63:in `run'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:578:in `render_regenerated'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:570:in `block in render_pages'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:569:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:569:in `render_pages'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:211:in `render'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:80:in `process'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:28:in `process_site'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:65:in `build'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:36:in `process'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `block in process_with_graceful_fail'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `process_with_graceful_fail'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:18:in `block (2 levels) in init_with_program'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `block in execute'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `execute'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/program.rb:44:in `go'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary.rb:21:in `program'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/exe/jekyll:13:in `<top (required)>'
        \#tfrom /usr/bin/jekyll:25:in `load'
        \#tfrom /usr/bin/jekyll:25:in `<main>'

        """#

    /// Jekyll 4.3.1: `jekyll build` with an unknown tag on line 3 of _layouts/default.html.
    static let jekyllLayout = #"""
        Configuration file: /tmp/diag/jekyll/_config.yml
                    Source: /tmp/diag/jekyll
               Destination: /tmp/diag/jekyll/_site
         Incremental build: disabled. Enable with --incremental
              Generating...\#u{20}
        \#u{1B}[31m  Liquid Exception: Liquid syntax error (line 3): Unknown tag 'foo' in /tmp/diag/jekyll/_layouts/default.html\#u{1B}[0m
        \#u{1B}[31m                    ------------------------------------------------\#u{1B}[0m
        \#u{1B}[31m      Jekyll 4.3.1   Please append `--trace` to the `build` command \#u{1B}[0m
        \#u{1B}[31m                     for any additional information or backtrace. \#u{1B}[0m
        \#u{1B}[31m                    ------------------------------------------------\#u{1B}[0m
        /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:36:in `unknown_tag': Liquid syntax error (line 3): Unknown tag 'foo' (Liquid::SyntaxError)
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:57:in `block in parse_body'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:138:in `parse_for_document'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:29:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:55:in `parse_body'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:23:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:7:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/template.rb:111:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/template.rb:97:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:13:in `block in parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:70:in `measure_time'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:12:in `parse'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:124:in `render_liquid'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:192:in `render_layout'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:161:in `place_in_layouts'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:93:in `render_document'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:63:in `run'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:578:in `render_regenerated'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:570:in `block in render_pages'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:569:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:569:in `render_pages'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:211:in `render'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:80:in `process'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:28:in `process_site'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:65:in `build'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:36:in `process'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `block in process_with_graceful_fail'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `process_with_graceful_fail'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:18:in `block (2 levels) in init_with_program'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `block in execute'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `execute'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/program.rb:44:in `go'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary.rb:21:in `program'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/exe/jekyll:13:in `<top (required)>'
        \#tfrom /usr/bin/jekyll:25:in `load'
        \#tfrom /usr/bin/jekyll:25:in `<main>'

        """#

    /// Jekyll 4.3.1: `jekyll build` with `{% include missing.html %}` in about.md (no line).
    static let jekyllInclude = #"""
        Configuration file: /tmp/diag/jekyll/_config.yml
                    Source: /tmp/diag/jekyll
               Destination: /tmp/diag/jekyll/_site
         Incremental build: disabled. Enable with --incremental
              Generating...\#u{20}
        \#u{1B}[31m  Liquid Exception: Could not locate the included file 'missing.html' in any of ["/tmp/diag/jekyll/_includes"]. Ensure it exists in one of those directories and, if it is a symlink, does not point outside your site source. in about.md\#u{1B}[0m
        \#u{1B}[31m                    ------------------------------------------------\#u{1B}[0m
        \#u{1B}[31m      Jekyll 4.3.1   Please append `--trace` to the `build` command \#u{1B}[0m
        \#u{1B}[31m                     for any additional information or backtrace. \#u{1B}[0m
        \#u{1B}[31m                    ------------------------------------------------\#u{1B}[0m
        /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/tags/include.rb:219:in `locate_include_file': Could not locate the included file 'missing.html' in any of ["/tmp/diag/jekyll/_includes"]. Ensure it exists in one of those directories and, if it is a symlink, does not point outside your site source. (IOError)
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/tags/include.rb:201:in `render'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/tag.rb:51:in `render_to_output_buffer'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:80:in `render_node'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:230:in `render_node'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/block_body.rb:213:in `render_to_output_buffer'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/document.rb:41:in `render_to_output_buffer'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/template.rb:194:in `render'
        \#tfrom /usr/share/rubygems-integration/all/gems/liquid-5.4.0/lib/liquid/template.rb:204:in `render!'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:39:in `block (3 levels) in render!'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:59:in `measure_counts'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:38:in `block (2 levels) in render!'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:63:in `measure_bytes'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:37:in `block in render!'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:70:in `measure_time'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/liquid_renderer/file.rb:36:in `render!'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:129:in `render_liquid'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:80:in `render_document'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/renderer.rb:63:in `run'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:578:in `render_regenerated'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:570:in `block in render_pages'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:569:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:569:in `render_pages'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:211:in `render'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/site.rb:80:in `process'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:28:in `process_site'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:65:in `build'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:36:in `process'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `block in process_with_graceful_fail'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/command.rb:91:in `process_with_graceful_fail'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/commands/build.rb:18:in `block (2 levels) in init_with_program'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `block in execute'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `each'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/command.rb:221:in `execute'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary/program.rb:44:in `go'
        \#tfrom /usr/share/rubygems-integration/all/gems/mercenary-0.4.0/lib/mercenary.rb:21:in `program'
        \#tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/exe/jekyll:13:in `<top (required)>'
        \#tfrom /usr/bin/jekyll:25:in `load'
        \#tfrom /usr/bin/jekyll:25:in `<main>'

        """#

    /// cargo 1.65.0 with rustc 1.63.0 (Debian cargo 0.66.0+ds1-1, rustc 1.63.0+dfsg1-2):
    /// `cargo build` with an undefined variable on line 3 of src/main.rs.
    static let cargo = #"""
           Compiling rs v0.1.0 (/tmp/diag/rs)
        error[E0425]: cannot find value `y` in this scope
         --> src/main.rs:3:20
          |
        3 |     println!("{}", y);
          |                    ^ help: a local variable with a similar name exists: `x`

        For more information about this error, try `rustc --explain E0425`.
        error: could not compile `rs` due to previous error

        """#

    /// rustc 1.63.0 (Debian): `rustc moved.rs` with an unused variable (a warning) and a use
    /// after move (an error).
    static let rustc = #"""
        warning: unused variable: `w`
         --> moved.rs:3:9
          |
        3 |     let w = v;
          |         ^ help: if this is intentional, prefix it with an underscore: `_w`
          |
          = note: `#[warn(unused_variables)]` on by default

        error[E0382]: borrow of moved value: `v`
         --> moved.rs:4:22
          |
        2 |     let v = vec![1];
          |         - move occurs because `v` has type `Vec<i32>`, which does not implement the `Copy` trait
        3 |     let w = v;
          |             - value moved here
        4 |     println!("{:?}", v);
          |                      ^ value borrowed here after move
          |
          = note: this error originates in the macro `$crate::format_args_nl` (in Nightly builds, run with -Z macro-backtrace for more info)

        error: aborting due to previous error; 1 warning emitted

        For more information about this error, try `rustc --explain E0382`.

        """#

    /// Go 1.19.8 (Debian golang-go 2:1.19~1): `go build ./...` with an unused and an
    /// undefined variable in main.go.
    static let goBuild = #"""
        # example.com/demo
        ./main.go:6:2: x declared but not used
        ./main.go:7:14: undefined: y

        """#

    /// Go 1.19.8: `go vet ./...` on the same main.go.
    static let goVet = #"""
        # example.com/demo
        vet: ./main.go:7:14: undeclared name: y

        """#

    /// Go 1.19.8: `go build ./...` with a type error in internal/util/util.go.
    static let goPackage = #"""
        # example.com/demo/internal/util
        internal/util/util.go:4:9: cannot use "s" (untyped string constant) as int value in return statement

        """#

    /// Go 1.19.8: `go build ./...` with an unknown directive on line 4 of go.mod.
    static let goMod = #"""
        go: errors parsing go.mod:
        /tmp/diag/go/go.mod:4: unknown directive: foo

        """#
}
