/// Something the dashboard draws: a value rendered into an area of the screen, drawing
/// nothing outside it (ratatui's `Widget::render(area, buf)`). Its data are its stored
/// properties; the theme and glyph set come with each render.
public protocol Widget {
    func render(into screen: inout Screen, area: Rect, theme: Theme, glyphs: Glyphs)
}
